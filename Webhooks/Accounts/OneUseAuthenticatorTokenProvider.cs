using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using TwilioFeedback.Persistence.Accounts;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// Authenticator-app codes (RFC 6238: HMAC-SHA1, 30-second steps, one step either side for a phone's
/// clock) on the key Identity keeps, each accepted once: the last step used is kept per user, so a code
/// seen over a shoulder or replayed within its window is refused. Replaces Identity's provider of the same name.
/// </summary>
public sealed class OneUseAuthenticatorTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<StaffUser>
{
    private const string Store = "[TwilioFeedback]";
    private const string LastStep = "AuthenticatorLastStep";

    public Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user) => Task.FromResult(string.Empty);

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffUser> manager, StaffUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrWhiteSpace(key) || token.Length != 6 || !token.All(char.IsAsciiDigit))
        {
            return false;
        }
        var secret = Base32(key);
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / 30;
        var last = long.TryParse(await manager.GetAuthenticationTokenAsync(user, Store, LastStep), NumberStyles.None, CultureInfo.InvariantCulture, out var used)
            ? used : long.MinValue;
        for (var step = Math.Max(now - 1, last + 1); step <= now + 1; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(secret, step)), Encoding.ASCII.GetBytes(token)))
            {
                // Saved with the user's concurrency stamp: of two requests with the same code at once, one fails here.
                return (await manager.SetAuthenticationTokenAsync(user, Store, LastStep, step.ToString(CultureInfo.InvariantCulture))).Succeeded;
            }
        }
        return false;
    }

    private static string Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(secret, counter);
        var offset = hash[^1] & 0x0f;
        var binary = (hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 Base32, as Identity writes the authenticator key (upper case, no padding).</summary>
    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var value in text.ToUpperInvariant().Where(c => c is not (' ' or '=')).Select(c => alphabet.IndexOf(c, StringComparison.Ordinal)).Where(v => v >= 0))
        {
            buffer = (buffer << 5 | value) & 0xfff;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
            }
        }
        return [.. bytes];
    }
}
