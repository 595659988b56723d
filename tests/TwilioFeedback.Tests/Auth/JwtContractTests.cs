using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Auth;

/// <summary>A token made by someone else's code, exactly as the README's Access section says, is accepted.</summary>
public sealed class JwtContractTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    /// <summary>HS256, issuer and audience <c>twilio-feedback</c>, a <c>role</c> claim — nothing of ours.</summary>
    internal static string Sign(byte[] key, string role = "staff")
    {
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken("twilio-feedback", "twilio-feedback", [new Claim("role", role), new Claim("name", "Outside System")],
            notBefore: now.AddMinutes(-1), expires: now.AddHours(1),
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    [Fact]
    public async Task A_token_signed_with_the_utf8_bytes_of_SECRET_KEY_is_accepted()
    {
        var response = await Factory.ClientWith(Sign(Encoding.UTF8.GetBytes(AppFactory.SecretKey))).GetAsync("/api/v1/feedback");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_the_documented_derived_key_is_accepted()
    {
        var derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(AppFactory.SecretKey), 32, info: "jwt-hs256-v1"u8.ToArray());
        var response = await Factory.ClientWith(Sign(derived)).GetAsync("/api/v1/feedback");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

/// <summary>With <c>Auth__JwtSigningKey</c> set, tokens signed with it are accepted and ones signed with SECRET_KEY are not.</summary>
public sealed class JwtSigningKeyTests(JwtSigningKeyTests.KeyFactory factory) : IntegrationTest<JwtSigningKeyTests.KeyFactory>(factory)
{
    public const string SigningKey = "an-explicit-jwt-signing-key-of-40-bytes!";

    public sealed class KeyFactory : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Auth:JwtSigningKey"] = SigningKey };
    }

    [Fact]
    public async Task Tokens_signed_with_Auth_JwtSigningKey_are_accepted_and_SECRET_KEY_no_longer_signs()
    {
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientWith(JwtContractTests.Sign(Encoding.UTF8.GetBytes(SigningKey))).GetAsync("/api/v1/feedback")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await Factory.ClientWith(JwtContractTests.Sign(Encoding.UTF8.GetBytes(AppFactory.SecretKey))).GetAsync("/api/v1/feedback")).StatusCode);
    }
}
