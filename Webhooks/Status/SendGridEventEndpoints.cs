using TwilioFeedback.Scheduling.Reminders;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Email;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>One event of SendGrid's Event Webhook.</summary>
public sealed record SendGridEvent(
    [property: JsonPropertyName("event")] string? Event,
    [property: JsonPropertyName("sg_message_id")] string? SgMessageId);

/// <summary>SendGrid's delivery answers move email reminders on, like Twilio's status callbacks.</summary>
public static class SendGridEventEndpoints
{
    public const int MaxEvents = 1000;

    /// <summary>A full batch of <see cref="MaxEvents"/> events is well under this; the server refuses a longer body (413) before it is read.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapSendGridEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sendgrid/events/{secret}", HandleAsync).WithMetadata(WebhookChannel.Status, new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes)).WithTags("Status callbacks").WithName("SendGridEvents");
        return app;
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> HandleAsync(
        string secret, SendGridEvent[] events, IOptions<EmailOptions> options, ProviderEvents log, ReminderTransitions reminders, CancellationToken cancellationToken)
    {
        var expected = options.Value.EventWebhookSecret;
        if (string.IsNullOrEmpty(expected) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Unknown event source.");
        }
        if (events.Length > MaxEvents)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"At most {MaxEvents} events a post.");
        }
        foreach (var item in events)
        {
            if (item.SgMessageId is not { Length: > 0 } id || item.Event is not { Length: > 0 } name)
            {
                continue;
            }
            // sg_message_id is the X-Message-Id we stored, followed by ".filter…". One that cannot be
            // an id we stored (empty, too long, a control character PostgreSQL refuses) matches nothing: skipped, not a 500.
            var messageId = id.Split(".filter", 2)[0];
            if (!IsStorableId(messageId))
            {
                continue;
            }
            await log.RecordAsync("email", messageId, name, null, cancellationToken);
            var next = name switch
            {
                "delivered" => ReminderStatus.Delivered,
                "bounce" or "dropped" or "blocked" => ReminderStatus.Failed,
                _ => null,
            };
            if (next is not null)
            {
                await reminders.AdvanceAsync(messageId, next, name, cancellationToken);
            }
        }
        return TypedResults.Ok();
    }

    private static bool IsStorableId(string id) => id.Length is > 0 and <= 64 && !id.Any(char.IsControl);
}
