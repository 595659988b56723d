using System.Text.Json.Serialization;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>The fields of Twilio's IncomingPhoneNumber resource that decide where its webhooks go.</summary>
public sealed record IncomingNumber
{
    [JsonPropertyName("sid")]
    public string Sid { get; init; } = "";

    [JsonPropertyName("phone_number")]
    public string PhoneNumber { get; init; } = "";

    [JsonPropertyName("friendly_name")]
    public string? FriendlyName { get; init; }

    [JsonPropertyName("sms_url")]
    public string? SmsUrl { get; init; }

    [JsonPropertyName("sms_method")]
    public string? SmsMethod { get; init; }

    [JsonPropertyName("voice_url")]
    public string? VoiceUrl { get; init; }

    [JsonPropertyName("voice_method")]
    public string? VoiceMethod { get; init; }

    [JsonPropertyName("status_callback")]
    public string? StatusCallback { get; init; }

    [JsonPropertyName("status_callback_method")]
    public string? StatusCallbackMethod { get; init; }
}
