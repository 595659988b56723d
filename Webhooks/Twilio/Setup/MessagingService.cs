using System.Text.Json.Serialization;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>The fields of a Messaging v1 Service that decide where its numbers' incoming messages go.</summary>
public sealed record MessagingService
{
    [JsonPropertyName("sid")]
    public string Sid { get; init; } = "";

    [JsonPropertyName("friendly_name")]
    public string? FriendlyName { get; init; }

    [JsonPropertyName("inbound_request_url")]
    public string? InboundRequestUrl { get; init; }

    [JsonPropertyName("inbound_method")]
    public string? InboundMethod { get; init; }

    /// <summary>True: each number's own SmsUrl is used; false: the service's InboundRequestUrl wins.</summary>
    [JsonPropertyName("use_inbound_webhook_on_number")]
    public bool UseInboundWebhookOnNumber { get; init; }
}
