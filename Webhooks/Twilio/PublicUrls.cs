using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// The one place that knows how Twilio reaches this server: <c>Webhooks:PublicBaseUrl</c> when set
/// (behind a proxy or tunnel Kestrel's own address is not what Twilio calls), else the request's own
/// scheme and host.
/// </summary>
public sealed class PublicUrls(IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>The configured public base without its trailing slash, or null (jobs with no request to fall back on).</summary>
    public string? Configured => options.CurrentValue.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : null;

    /// <summary>Where this server's own links start (prompts, TwiML actions) for an answer to <paramref name="request"/>.</summary>
    public string Base(HttpRequest request) => Configured ?? $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>The full URL Twilio requested, as it signed it.</summary>
    public string Of(HttpRequest request)
    {
        var pathAndQuery = $"{request.PathBase}{request.Path}{request.QueryString}";
        return Configured is { } configured ? configured + pathAndQuery : $"{request.Scheme}://{request.Host}{pathAndQuery}";
    }
}
