using System.Net;
using System.Net.Sockets;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>
/// Whether Twilio, out on the internet, can call a <c>PUBLIC_BASE_URL</c>: https (http only for
/// localhost, which is good for a dry run and nothing else), and no private, loopback or link-local
/// address or <c>.local</c>/<c>.internal</c> name. Names are judged as written, not resolved.
/// </summary>
public static class PublicBaseUrlCheck
{
    /// <summary>Null when Twilio can use <paramref name="baseUrl"/>; else why not, naming the setting.</summary>
    /// <param name="allowLoopback">A dry run may show what a localhost URL would be.</param>
    public static string? Problem(string? baseUrl, bool allowLoopback)
    {
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            return "PUBLIC_BASE_URL is not set: Twilio needs the public https URL of this server (e.g. https://feedback.example.org).";
        }
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return $"PUBLIC_BASE_URL ({baseUrl}) is not an absolute http(s) URL.";
        }
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"PUBLIC_BASE_URL ({baseUrl}) must be a plain base URL, without a query, fragment or credentials.";
        }
        var host = uri.IdnHost.TrimEnd('.');
        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var loopbackAddress) && IPAddress.IsLoopback(loopbackAddress));
        if (loopback)
        {
            return allowLoopback ? null : $"PUBLIC_BASE_URL ({baseUrl}) is this machine (localhost): Twilio cannot reach it. Use the public URL of a reverse proxy or a tunnel.";
        }
        if (uri.Scheme != "https")
        {
            return $"PUBLIC_BASE_URL ({baseUrl}) is not https: Twilio must reach the server over HTTPS outside localhost.";
        }
        if (host.EndsWith(".local", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".lan", StringComparison.OrdinalIgnoreCase) || !host.Contains('.', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _))
        {
            return $"PUBLIC_BASE_URL ({baseUrl}) names a host only a local network knows: Twilio cannot resolve it.";
        }
        if (IPAddress.TryParse(host, out var address) && IsPrivate(address))
        {
            return $"PUBLIC_BASE_URL ({baseUrl}) is a private address: Twilio cannot reach it from the internet.";
        }
        return null;
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || (first & 0xFE) == 0xFC || address.Equals(IPAddress.IPv6Any);
        }
        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127); // carrier-grade NAT
    }
}
