namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>The names reminder channels are stored and spoken of by: sms, whatsapp, voice, email.</summary>
public static class ReminderChannels
{
    public static string Name(this ReminderChannel channel) => channel switch
    {
        ReminderChannel.Sms => "sms",
        ReminderChannel.WhatsApp => "whatsapp",
        ReminderChannel.Voice => "voice",
        ReminderChannel.Email => "email",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    /// <summary>The channel of a stored or requested name (lower case, as stored); null for any other.</summary>
    public static ReminderChannel? FromName(string? name) => name switch
    {
        "sms" => ReminderChannel.Sms,
        "whatsapp" => ReminderChannel.WhatsApp,
        "voice" => ReminderChannel.Voice,
        "email" => ReminderChannel.Email,
        _ => null,
    };

    /// <summary>Whether the channel reaches the patient at their phone number (all but email).</summary>
    public static bool UsesPhone(this ReminderChannel channel) => channel != ReminderChannel.Email;
}
