using System.Net;
using System.Text.RegularExpressions;

namespace TwilioFeedback.Scheduling.Recordings;

/// <summary>
/// Which URLs get the account's credentials: only our account's recording and media paths on the
/// Twilio API host, with its scheme, and https unless the host is loopback (the tests' stub).
/// Sids are matched against Twilio's formats (two letters and 32 hex digits).
/// </summary>
public static partial class TwilioMediaUrls
{
    /// <summary>True when <paramref name="sid"/> is <paramref name="prefix"/> (e.g. <c>RE</c>) and 32 hex digits.</summary>
    public static bool IsSid(string? sid, string prefix) =>
        sid is { Length: 34 } && sid.StartsWith(prefix, StringComparison.Ordinal) && HexDigits().IsMatch(sid.AsSpan(2));

    /// <summary>The URL, when it is one of our account's recordings or message media on the API host; else null.</summary>
    public static Uri? Credentialed(string apiBaseUrl, string accountSid, string url)
    {
        if (!Uri.TryCreate(apiBaseUrl.TrimEnd('/'), UriKind.Absolute, out var api)
            || !Uri.TryCreate(url, UriKind.Absolute, out var target)
            || !IsSid(accountSid, "AC")
            || !string.Equals(target.Scheme, api.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(target.Authority, api.Authority, StringComparison.OrdinalIgnoreCase)
            || !(target.Scheme == Uri.UriSchemeHttps || (target.Scheme == Uri.UriSchemeHttp && IsLoopback(target)))
            || target.Query.Length > 0 || target.Fragment.Length > 0 || !string.IsNullOrEmpty(target.UserInfo))
        {
            return null;
        }
        // AbsolutePath is normalised (no "..", no "%2e"): what we check is what is requested.
        var prefix = api.AbsolutePath.TrimEnd('/') + $"/2010-04-01/Accounts/{accountSid}/";
        var path = target.AbsolutePath;
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || url.Contains("..", StringComparison.Ordinal) || url.Contains('%'))
        {
            return null;
        }
        return RecordingPath().IsMatch(path[prefix.Length..]) || MediaPath().IsMatch(path[prefix.Length..]) ? target : null;
    }

    /// <summary>A redirect target that may be fetched (without credentials): https, on one of <paramref name="hosts"/>.</summary>
    public static bool IsAllowedRedirect(Uri target, IEnumerable<string> hosts) =>
        target.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(target.UserInfo)
        && hosts.Any(h => string.Equals(h, target.IdnHost, StringComparison.OrdinalIgnoreCase));

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex HexDigits();

    [GeneratedRegex("^Recordings/RE[0-9a-fA-F]{32}(\\.wav|\\.mp3)?$")]
    private static partial Regex RecordingPath();

    [GeneratedRegex("^Messages/(MM|SM)[0-9a-fA-F]{32}/Media/ME[0-9a-fA-F]{32}$")]
    private static partial Regex MediaPath();
}
