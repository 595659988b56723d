using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// Checks <c>X-Twilio-Signature</c> as Twilio's helper libraries do: HMAC-SHA1 of the URL followed by
/// the sorted form parameters, keyed by the auth token; the URL tried with and without its port.
/// </summary>
public sealed partial class RequestValidator(string authToken)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(authToken);

    /// <summary>An HMAC-SHA1 is 20 bytes; its Base64, what Twilio sends, 28 characters.</summary>
    private const int SignatureLength = 28;

    private static readonly IComparer<KeyValuePair<string, StringValues>> ByName =
        Comparer<KeyValuePair<string, StringValues>>.Create((a, b) => string.CompareOrdinal(a.Key, b.Key));

    /// <summary>The auth token this validator checks against.</summary>
    public string AuthToken { get; } = authToken;

    /// <summary>A form POST (or a GET: no parameters).</summary>
    public bool Validate(string url, IEnumerable<KeyValuePair<string, StringValues>> parameters, string? expectedSignature)
    {
        // Anything but 28 characters can match no signature (the length is no secret).
        if (expectedSignature is not { Length: SignatureLength })
        {
            return false;
        }
        var (sorted, count) = Sorted(parameters);
        try
        {
            Span<char> computed = stackalloc char[SignatureLength];
            // The URL as received first (what Twilio signs when the console URL has no port): one HMAC, usually.
            Sign(url, sorted.AsSpan(0, count), computed);
            if (Matches(computed, expectedSignature))
            {
                return true;
            }
            var withoutPort = WithoutPort(url);
            Sign(withoutPort == url ? WithPort(url) : withoutPort, sorted.AsSpan(0, count), computed);
            return Matches(computed, expectedSignature);
        }
        finally
        {
            ArrayPool<KeyValuePair<string, StringValues>>.Shared.Return(sorted, clearArray: true);
        }
    }

    /// <summary>A JSON body: the URL carries <c>bodySHA256</c>, which must match the body.</summary>
    public bool Validate(string url, string body, string? expectedSignature)
    {
        var hash = BodyHashPattern().Match(url);
        if (!hash.Success)
        {
            return false;
        }
        var actual = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var expected = hash.Groups[1].Value.ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(expected))
            && Validate(url, [], expectedSignature);
    }

    /// <summary>The signature Twilio would send for this request (also how our own simulator signs).</summary>
    public string GetSignature(string url, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var (sorted, count) = Sorted(parameters);
        try
        {
            Span<char> computed = stackalloc char[SignatureLength];
            Sign(url, sorted.AsSpan(0, count), computed);
            return new string(computed);
        }
        finally
        {
            ArrayPool<KeyValuePair<string, StringValues>>.Shared.Return(sorted, clearArray: true);
        }
    }

    /// <summary>The parameters sorted by name (ordinal), in a pooled array: no LINQ, no copy of the values.</summary>
    private static (KeyValuePair<string, StringValues>[] Sorted, int Count) Sorted(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var sorted = ArrayPool<KeyValuePair<string, StringValues>>.Shared.Rent(parameters.TryGetNonEnumeratedCount(out var known) ? Math.Max(known, 1) : 16);
        var count = 0;
        foreach (var parameter in parameters)
        {
            if (count == sorted.Length)
            {
                var larger = ArrayPool<KeyValuePair<string, StringValues>>.Shared.Rent(count * 2);
                sorted.AsSpan(0, count).CopyTo(larger);
                ArrayPool<KeyValuePair<string, StringValues>>.Shared.Return(sorted, clearArray: true);
                sorted = larger;
            }
            sorted[count++] = parameter;
        }
        Array.Sort(sorted, 0, count, ByName);
        return (sorted, count);
    }

    /// <summary>
    /// HMAC-SHA1 over the UTF-8 of the URL and each name followed by its value (a repeated name: each
    /// distinct value, sorted), written as Base64 into <paramref name="signature"/>; the bytes are pooled.
    /// </summary>
    private void Sign(string url, ReadOnlySpan<KeyValuePair<string, StringValues>> sorted, Span<char> signature)
    {
        var utf8 = Encoding.UTF8;
        var length = utf8.GetByteCount(url);
        foreach (var (name, values) in sorted)
        {
            var nameLength = utf8.GetByteCount(name);
            foreach (var value in values)
            {
                length += nameLength + utf8.GetByteCount(value ?? "");
            }
        }
        var data = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = utf8.GetBytes(url, data);
            foreach (var (name, values) in sorted)
            {
                if (values.Count == 1)
                {
                    written += utf8.GetBytes(name, data.AsSpan(written));
                    written += utf8.GetBytes(values[0] ?? "", data.AsSpan(written));
                    continue;
                }
                foreach (var value in values.Distinct().Order(StringComparer.Ordinal))
                {
                    written += utf8.GetBytes(name, data.AsSpan(written));
                    written += utf8.GetBytes(value ?? "", data.AsSpan(written));
                }
            }
            Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
            HMACSHA1.HashData(_key, data.AsSpan(0, written), mac);
            Convert.TryToBase64Chars(mac, signature, out _);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private static bool Matches(ReadOnlySpan<char> computed, string expected) =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(computed), MemoryMarshal.AsBytes(expected.AsSpan()));

    // String surgery rather than UriBuilder, which would lower-case the host Twilio signed.
    internal static string WithoutPort(string url)
    {
        var match = UrlPattern().Match(url);
        return match.Success && match.Groups["port"].Success
            ? match.Groups["head"].Value + match.Groups["rest"].Value
            : url;
    }

    internal static string WithPort(string url)
    {
        var match = UrlPattern().Match(url);
        if (!match.Success || match.Groups["port"].Success)
        {
            return url;
        }
        var port = match.Groups["scheme"].Value.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
        return $"{match.Groups["head"].Value}:{port}{match.Groups["rest"].Value}";
    }

    [GeneratedRegex(@"^(?<head>(?<scheme>https?)://(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]+))(?::(?<port>\d+))?(?<rest>.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"[?&]bodySHA256=([0-9A-Fa-f]{64})")]
    private static partial Regex BodyHashPattern();
}
