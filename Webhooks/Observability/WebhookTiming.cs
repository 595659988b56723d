using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>
/// Times every webhook by channel and gives each answer an <c>X-Request-Id</c> (the id on the
/// request's log lines), so a support question can be matched with the logs.
/// </summary>
public sealed class WebhookTiming(RequestDelegate next, WebhookMetrics metrics, WebhookSightings sightings)
{
    public const string RequestIdHeader = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = context.TraceIdentifier;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestIdHeader] = requestId;
            return Task.CompletedTask;
        });
        // Routing has run already (it comes first in the pipeline); read now, before an exception handler clears the endpoint.
        var declared = context.GetEndpoint()?.Metadata.GetMetadata<WebhookChannel>();
        if (declared is null)
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            // SMS and WhatsApp share a URL: a WhatsApp sender is "whatsapp:+…" (read only if the form was).
            var channel = declared.MetricLabel;
            if (declared == WebhookChannel.Sms && context.Features.Get<IFormFeature>()?.Form?["From"].ToString().StartsWith(IncomingMessage.WhatsAppPrefix, StringComparison.Ordinal) == true)
            {
                channel = "whatsapp";
            }
            metrics.WebhookAnswered(channel, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
            // The signature filter (and the USSD secret check) answer 403 before anything else.
            sightings.Seen(channel, signatureValid: context.Response.StatusCode != StatusCodes.Status403Forbidden);
        }
    }
}
