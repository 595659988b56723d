using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Polly;

namespace TwilioFeedback.Scheduling;

/// <summary>
/// Retries for the POSTs that send something to a patient (Twilio messages and calls, SendGrid mail):
/// only where the provider surely did not act on the request. A 500, 502, 504 or a timeout once the
/// request was sent may mean it was accepted: retrying it at once could send twice, so the attempt
/// fails as transient and the dispatcher tries again later (the documented duplicate window).
/// </summary>
public static class ProviderResilience
{
    /// <summary>The longest one send may take, retries and their waits included; the dispatcher keeps its lease longer than this.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The resilience handler of a send client. Also drops the factory's two log handlers (a logging scope and two
    /// IsEnabled checks a request, for lines that are off: <c>System.Net.Http.HttpClient</c> logs at Warning): at a
    /// thousand reminders a second they are work for nothing; the runtime's HTTP metrics stay.
    /// </summary>
    public static IHttpClientBuilder AddSendResilienceHandler(this IHttpClientBuilder builder)
    {
        builder.RemoveAllLoggers();
        builder.AddStandardResilienceHandler(resilience =>
        {
            resilience.TotalRequestTimeout.Timeout = SendTimeout;
            resilience.Retry.MaxRetryAttempts = 3;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
            resilience.Retry.ShouldRetryAfterHeader = true;
            resilience.Retry.ShouldHandle = args => ValueTask.FromResult(SurelyNotActedOn(args.Outcome));
        });
        return builder;
    }

    /// <summary>
    /// A refusal (429, or 503: "temporarily unable to service the request") or a request that never
    /// reached the provider (no name, no connection, no TLS). Anything else may have been acted on.
    /// </summary>
    public static bool SurelyNotActedOn(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } => true,
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError
            or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } } => true,
        _ => false,
    };
}
