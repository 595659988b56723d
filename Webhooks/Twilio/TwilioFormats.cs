using System.Buffers;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Conversations;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// What a Twilio form may name before anything goes further with it (credentials go with a fetch, a
/// SID into a REST path): SIDs in Twilio's format, and URLs on the configured Twilio API host.
/// </summary>
public static class TwilioFormats
{
    public const string Call = "CA", Recording = "RE", Message = "SM", MultimediaMessage = "MM", Media = "ME", Account = "AC";

    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Two letters <paramref name="prefix"/> and 32 hex digits, as Twilio writes every SID.</summary>
    public static bool IsSid(string value, string prefix) =>
        value.Length == 34 && value.StartsWith(prefix, StringComparison.Ordinal) && !value.AsSpan(2).ContainsAnyExcept(Hex);

    /// <summary>An SMS, MMS or WhatsApp message: <c>SM…</c> or <c>MM…</c>.</summary>
    public static bool IsMessageSid(string value) => IsSid(value, Message) || IsSid(value, MultimediaMessage);

    /// <summary>
    /// An absolute URL on the API host of <c>Twilio:ApiBaseUrl</c> (same scheme, host and port, no user
    /// info), https unless that host is a loopback address (the tests' stub).
    /// </summary>
    public static bool IsApiUrl(string url, Uri api) =>
        url.Length <= RecordingRows.MaxUrlLength
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (api.Scheme == Uri.UriSchemeHttps || api.IsLoopback)
        && uri.Scheme == api.Scheme
        && string.Equals(uri.IdnHost, api.IdnHost, StringComparison.OrdinalIgnoreCase)
        && uri.Port == api.Port
        && uri.UserInfo.Length == 0;

    /// <summary><c>Twilio:ApiBaseUrl</c>, as the request's services hold it.</summary>
    public static Uri ApiBase(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<IOptionsMonitor<TwilioOptions>>().CurrentValue.ApiBaseUrl);
}
