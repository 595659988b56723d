using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// The channel a webhook endpoint serves, declared as endpoint metadata (<c>.WithMetadata(WebhookChannel.Sms)</c>)
/// so that the code around every endpoint — timing, outage answers — asks the endpoint instead of
/// matching its URL.
/// </summary>
/// <param name="MetricLabel">The <c>channel</c> label of <c>tf_webhook_duration_seconds</c>.</param>
/// <param name="Outage">What a caller is told while a store is down.</param>
public sealed record WebhookChannel(string MetricLabel, OutageAnswer Outage)
{
    /// <summary>SMS and WhatsApp share Twilio's messaging webhook; timing tells WhatsApp apart by its sender.</summary>
    public static readonly WebhookChannel Sms = new("sms", OutageAnswer.Message);

    public static readonly WebhookChannel Voice = new("voice", OutageAnswer.Call);

    /// <summary>The recording callback: timed with the calls, but Twilio, not a caller, waits for the answer.</summary>
    public static readonly WebhookChannel VoiceRecording = new("voice", OutageAnswer.RetryLater);

    public static readonly WebhookChannel Ussd = new("ussd", OutageAnswer.UssdScreen);

    /// <summary>Delivery callbacks (Twilio's message and call status, SendGrid's events).</summary>
    public static readonly WebhookChannel Status = new("status", OutageAnswer.RetryLater);
}
