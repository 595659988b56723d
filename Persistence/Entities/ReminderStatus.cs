namespace TwilioFeedback.Persistence;

/// <summary>Where a reminder is. Which status may follow which is the scheduler's ReminderTransitions, the only code that writes it.</summary>
public static class ReminderStatus
{
    public const string Scheduled = "scheduled";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";
    public const string Confirmed = "confirmed";
    public const string Declined = "declined";
}
