namespace TwilioFeedback.Conversations;

/// <summary>The way a patient reaches us.</summary>
public enum Channel
{
    Sms,
    WhatsApp,
    Voice,
    Ussd,
    Web,
}
