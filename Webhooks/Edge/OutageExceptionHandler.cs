using System.Text;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using Microsoft.AspNetCore.Diagnostics;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>
/// While PostgreSQL or Redis is unreachable: a patient gets a polite "try again in a few minutes" in
/// their channel's own format (TwiML, USSD screen) with 200, so Twilio shows no error; everything
/// else gets 503 ProblemDetails with <c>Retry-After</c>. Never a 500 for an outage.
/// </summary>
public sealed partial class OutageExceptionHandler(IProblemDetailsService problems, ILogger<OutageExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 30;


    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!Outage.IsAny(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }
        var store = Outage.IsDatabase(exception) ? "PostgreSQL" : "Redis";
        var path = httpContext.Request.Path;
        LogOutage(logger, path, store, exception.GetType().Name);
        var response = httpContext.Response;
        // English and French both: the patient's language is in the store that may be down. One SMS segment, one USSD screen.
        var texts = httpContext.RequestServices.GetRequiredService<PatientTexts>();
        var (englishText, frenchText) = (texts.Get(MessageKeys.TryLater, Language.English), texts.Get(MessageKeys.TryLater, Language.French));
        switch (ChannelOf(httpContext)?.Outage)
        {
            case OutageAnswer.Message:
                await new TwiMLResult(new MessagingResponse().Message(englishText + "\n" + frenchText)).ExecuteAsync(httpContext);
                return true;
            case OutageAnswer.Call:
                await new TwiMLResult(new VoiceResponse().Say(englishText, "en-US").Say(frenchText, "fr-FR").Hangup()).ExecuteAsync(httpContext);
                return true;
            case OutageAnswer.UssdScreen:
                await TypedResults.Text("END " + englishText + "\n" + frenchText, "text/plain", Encoding.UTF8, StatusCodes.Status200OK).ExecuteAsync(httpContext);
                return true;
        }
        // Status callbacks and the API: a retryable answer, not a bug report.
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "The service is briefly unavailable; try again later." },
        });
    }

    // The exception handler middleware has cleared the endpoint by now; its feature keeps the one that failed.
    private static WebhookChannel? ChannelOf(HttpContext httpContext) =>
        (httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint())?.Metadata.GetMetadata<WebhookChannel>();

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "{Path} answered politely: {Store} is unreachable ({Error})")]
    private static partial void LogOutage(ILogger logger, PathString path, string store, string error);
}
