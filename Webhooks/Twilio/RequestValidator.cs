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

    /// <summary>A form POST (or a GET: no parameters).</summary>
    public bool Validate(string url, IEnumerable<KeyValuePair<string, StringValues>> parameters, string? expectedSignature)
    {
        if (string.IsNullOrEmpty(expectedSignature))
        {
            return false;
        }
        var parameterList = parameters as IReadOnlyCollection<KeyValuePair<string, StringValues>> ?? [.. parameters];
        // The URL as received first (what Twilio signs when the console URL has no port): one HMAC, usually.
        var otherForm = WithoutPort(url) is var withoutPort && withoutPort == url ? WithPort(url) : withoutPort;
        return Matches(GetSignature(url, parameterList), expectedSignature)
            || Matches(GetSignature(otherForm, parameterList), expectedSignature);
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
        var data = new StringBuilder(url);
        foreach (var (name, values) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var value in values.Distinct().Order(StringComparer.Ordinal))
            {
                data.Append(name).Append(value);
            }
        }
        return Convert.ToBase64String(HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(data.ToString())));
    }

    private static bool Matches(string computed, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(expected));

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
