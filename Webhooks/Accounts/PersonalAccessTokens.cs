using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>Personal access tokens: <c>tfp_</c> and 43 random characters, shown once, kept as a SHA-256.</summary>
public static class PersonalAccessTokens
{
    public const string Scheme = "personal-token";
    public const string Prefix = "tfp_";

    public static string NewToken() => Prefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Stores a new token of <paramref name="userId"/> and returns it: the only time it is seen in clear.</summary>
    public static async Task<string> CreateAsync(FeedbackDbContext db, string userId, string name, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var token = NewToken();
        db.PersonalAccessTokens.Add(new PersonalAccessToken { UserId = userId, Name = name, Hash = Hash(token), CreatedAt = now, ExpiresAt = now + lifetime });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Reads <c>Authorization: Bearer tfp_…</c>: a live, unexpired, unrevoked token of an enabled user acts with that user's roles.</summary>
public sealed class PersonalAccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, FeedbackDbContext db, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer " + PersonalAccessTokens.Prefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }
        var hash = PersonalAccessTokens.Hash(header["Bearer ".Length..].Trim());
        var now = clock.GetUtcNow();
        var found = await db.PersonalAccessTokens.AsNoTracking()
            .Where(t => t.Hash == hash && t.RevokedAt == null && t.ExpiresAt > now)
            .Join(db.Users.Where(u => !u.Disabled), t => t.UserId, u => u.Id, (t, u) => new { TokenId = t.Id, UserId = u.Id, u.Email, u.DisplayName })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail("Unknown, expired or revoked personal access token.");
        }
        var roles = await db.UserRoles.Where(r => r.UserId == found.UserId).Join(db.Roles, r => r.RoleId, r => r.Id, (_, r) => r.Name!)
            .ToListAsync(Context.RequestAborted);
        await db.PersonalAccessTokens.Where(t => t.Id == found.TokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        var identity = new ClaimsIdentity(
            [new Claim("sub", found.UserId), new Claim("name", found.DisplayName is { Length: > 0 } n ? n : found.Email ?? found.UserId), .. roles.Select(r => new Claim("role", r))],
            PersonalAccessTokens.Scheme, "name", "role");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), PersonalAccessTokens.Scheme));
    }
}
