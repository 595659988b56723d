using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>
/// RFC 6238 time-based one-time passwords (HMAC-SHA1, 30-second steps) written here from the RFC, not
/// taken from Identity: what an authenticator app computes from the key shown beside the QR code.
/// </summary>
public static class Totp
{
    public static string Code(byte[] key, DateTimeOffset at, int digits = 6, int stepSeconds = 30)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / stepSeconds);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f; // RFC 4226 dynamic truncation
        var binary = (hash[offset] & 0x7f) << 24 | hash[offset + 1] << 16 | hash[offset + 2] << 8 | hash[offset + 3];
        var modulus = (int)Math.Pow(10, digits);
        return (binary % modulus).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>The code for a Base32 key as authenticator apps take it (RFC 4648, case and spaces ignored, no padding needed).</summary>
    public static string Code(string base32Key, DateTimeOffset at) => Code(Base32(base32Key), at);

    public static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.ToUpperInvariant().Where(c => c is not (' ' or '=')))
        {
            var value = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not Base32.");
            }
            buffer = buffer << 5 | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. bytes];
    }
}
