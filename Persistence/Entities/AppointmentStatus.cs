namespace TwilioFeedback.Persistence;

/// <summary>Where an appointment is: scheduled, moved (to a new time), cancelled (by the hospital), declined or confirmed (by the patient's 2 or 1), attended.</summary>
public static class AppointmentStatus
{
    public const string Scheduled = "scheduled";
    public const string Moved = "moved";
    public const string Cancelled = "cancelled";
    public const string Declined = "declined";
    public const string Confirmed = "confirmed";
    public const string Attended = "attended";

    public static IReadOnlyList<string> All { get; } = [Scheduled, Moved, Cancelled, Declined, Confirmed, Attended];

    /// <summary>Statuses after which no reminder and no invite goes out.</summary>
    public static bool IsClosed(string status) => status is Cancelled or Declined;
}
