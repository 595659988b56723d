using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace TwilioFeedback.Bench.MinimalTurn;

/// <summary>X-Twilio-Signature: Base64(HMAC-SHA1(auth token, URL + each name and its distinct values, sorted)).</summary>
public sealed class Signature(string authToken)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(authToken);

    public bool Matches(string url, IFormCollection form, StringValues header)
    {
        if (header.Count != 1 || string.IsNullOrEmpty(header[0]))
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(header[0]!);
        // The URL as received; Twilio may also have signed it with the default port.
        return Check(url, form, expected) || (WithDefaultPort(url) is { } withPort && Check(withPort, form, expected));
    }

    private static string? WithDefaultPort(string url) =>
        url.StartsWith("https://", StringComparison.Ordinal) && url[8..].Split('/', 2) is [var host, var rest] && !host.Contains(':')
            ? $"https://{host}:443/{rest}" : null;

    private bool Check(string url, IFormCollection form, byte[] expected)
    {
        var data = new StringBuilder(url, 1024);
        foreach (var name in form.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var value in form[name].Distinct().Order(StringComparer.Ordinal))
            {
                data.Append(name).Append(value);
            }
        }
        var computed = Encoding.ASCII.GetBytes(Convert.ToBase64String(HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(data.ToString()))));
        return CryptographicOperations.FixedTimeEquals(computed, expected);
    }
}
