using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// One-time links: the first admin's set-up link, invitations and password resets. A link is a
/// data-protected (so every instance reads it) purpose, user, security stamp and expiry; setting a
/// password changes the stamp, and the set-up link dies once an admin exists — so each works once.
/// </summary>
public sealed class AccountLinks(IDataProtectionProvider protection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    public const string FirstAdmin = "first-admin";
    public const string SetPassword = "set-password";

    private readonly IDataProtector _protector = protection.CreateProtector("TwilioFeedback.AccountLinks.v1");

    public string Create(string purpose, string userId, string stamp) =>
        _protector.Protect(string.Join('\n', purpose, userId, stamp, (clock.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));

    /// <summary>The user id and stamp a live link of <paramref name="purpose"/> carries, or null (forged, expired, other purpose).</summary>
    public (string UserId, string Stamp)? Read(string purpose, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        string[] parts;
        try
        {
            parts = _protector.Unprotect(token).Split('\n');
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        return parts.Length == 4 && parts[0] == purpose
            && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && clock.GetUtcNow().ToUnixTimeSeconds() < expires
                ? (parts[1], parts[2])
                : null;
    }
}
