using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>
/// Times every webhook by channel and gives each answer an <c>X-Request-Id</c> (the id on the
/// request's log lines), so a support question can be matched with the logs.
/// </summary>
public sealed class WebhookTiming(RequestDelegate next, WebhookMetrics metrics)
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
        var channel = ChannelOf(context.Request.Path);
        if (channel is null)
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
            if (channel == "sms" && context.Features.Get<IFormFeature>()?.Form?["From"].ToString().StartsWith("whatsapp:", StringComparison.Ordinal) == true)
            {
                channel = "whatsapp";
            }
            metrics.WebhookAnswered(channel, context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The channel a webhook path belongs to, or null for anything that is not a webhook.</summary>
    public static string? ChannelOf(PathString path) =>
        path.StartsWithSegments("/twilio/sms") ? "sms"
        : path.StartsWithSegments("/twilio/voice") ? "voice"
        : path.StartsWithSegments("/ussd") ? "ussd"
        : path.StartsWithSegments("/twilio/status") || path.StartsWithSegments("/sendgrid/events") ? "status"
        : null;
}
