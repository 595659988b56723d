namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>A way a reminder goes out. Rows and the JSON API hold its name (<see cref="ReminderChannels.Name"/>).</summary>
public enum ReminderChannel
{
    Sms,
    WhatsApp,
    Voice,
    Email,
}
