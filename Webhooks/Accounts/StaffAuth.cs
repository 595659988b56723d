using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>Who may use the REST API and the pages: a JWT, a personal access token or a session cookie, with role staff or admin.</summary>
public static class StaffAuth
{
    public const string Issuer = "twilio-feedback";
    public const string Audience = "twilio-feedback";
    public const string StaffPolicy = "staff";
    public const string AdminPolicy = "admin";

    /// <summary>
    /// The HS256 key tokens are signed with: the UTF-8 bytes of <c>Auth:JwtSigningKey</c> when set, else of
    /// <c>SECRET_KEY</c> itself (as the README says) — HS256 needs 32 bytes or more, so a shorter secret
    /// falls back to <see cref="DerivedKey"/>.
    /// </summary>
    public static SymmetricSecurityKey SigningKey(string secret, string? jwtSigningKey = null) =>
        Encoding.UTF8.GetByteCount(jwtSigningKey is { Length: > 0 } ? jwtSigningKey : secret) >= 32
            ? new(Encoding.UTF8.GetBytes(jwtSigningKey is { Length: > 0 } ? jwtSigningKey : secret))
            : DerivedKey(secret);

    /// <summary>HKDF-SHA256 of SECRET_KEY (no salt, info <c>jwt-hs256-v1</c>, 32 bytes): what tokens minted before were signed with.</summary>
    public static SymmetricSecurityKey DerivedKey(string secret) =>
        new(HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "jwt-hs256-v1"u8.ToArray()));

    /// <summary>Picks how a request proves who it is: a bearer token (JWT or personal), else the session cookie.</summary>
    public const string Scheme = "staff";

    public static IServiceCollection AddStaffAuth(this IServiceCollection services)
    {
        services.AddStaffAccounts();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = Scheme;
                options.DefaultAuthenticateScheme = Scheme;
                options.DefaultChallengeScheme = Scheme;
                options.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "Bearer token or session cookie", policy => policy.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString() switch
                {
                    var h when h.StartsWith("Bearer " + PersonalAccessTokens.Prefix, StringComparison.Ordinal) => PersonalAccessTokens.Scheme,
                    { Length: > 0 } => JwtBearerDefaults.AuthenticationScheme,
                    _ => Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme,
                })
            .AddJwtBearer()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, PersonalAccessTokenHandler>(PersonalAccessTokens.Scheme, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<SecurityOptions>, IConfiguration>((jwt, security, configuration) =>
            {
                jwt.MapInboundClaims = false;
                // An OIDC authority (Auth:Authority) may issue the tokens instead of our own secret.
                if (configuration["Auth:Authority"] is { Length: > 0 } authority)
                {
                    jwt.Authority = authority;
                }
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = configuration["Auth:Authority"] is { Length: > 0 } ? configuration["Auth:Authority"] : Issuer,
                    ValidAudience = Audience,
                    IssuerSigningKeys = string.IsNullOrEmpty(configuration["Auth:Authority"])
                        ? [SigningKey(security.Value.SecretKey, configuration["Auth:JwtSigningKey"]), DerivedKey(security.Value.SecretKey)]
                        : null,
                    RoleClaimType = "role",
                    NameClaimType = "name",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(StaffRoles.Staff, StaffRoles.Admin))
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(StaffRoles.Admin));
        return services;
    }

    /// <summary>A token for a person, as <c>scripts/token</c> prints it.</summary>
    public static string Mint(string secret, string name, string role, TimeSpan lifetime, DateTimeOffset now, string? jwtSigningKey = null)
    {
        var token = new JwtSecurityToken(
            Issuer,
            Audience,
            [new Claim("name", name), new Claim("role", role), new Claim("sub", name)],
            notBefore: now.UtcDateTime,
            expires: (now + lifetime).UtcDateTime,
            signingCredentials: new SigningCredentials(SigningKey(secret, jwtSigningKey), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary><c>token --role staff|admin --name "…" [--days N]</c>: prints a token and exits.</summary>
    public static int RunTokenCommand(string[] args, string? secret, string? jwtSigningKey)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var role = Arg("--role");
        var name = Arg("--name");
        var days = double.TryParse(Arg("--days") ?? "30", System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : -1;
        if (role is not ("staff" or "admin") || string.IsNullOrWhiteSpace(name) || days is <= 0 or > 366 || string.IsNullOrEmpty(secret) || secret.Length < 16)
        {
            Console.Error.WriteLine("usage: token --role staff|admin --name \"Full Name\" [--days 1-366]   (SECRET_KEY must be set, 16+ characters)");
            return 2;
        }
        Console.WriteLine(Mint(secret, name, role, TimeSpan.FromDays(days), DateTimeOffset.UtcNow, jwtSigningKey));
        return 0;
    }
}
