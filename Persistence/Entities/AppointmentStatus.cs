namespace TwilioFeedback.Persistence;

/// <summary>
/// Where an appointment is: scheduled, moved (to a new time), cancelled (by the hospital), declined or confirmed (by the patient's 2 or 1),
/// and what happened at the visit, as staff or the hospital's system record it: attended or no_show.
/// </summary>
public static class AppointmentStatus
{
    public const string Scheduled = "scheduled";
    public const string Moved = "moved";
    public const string Cancelled = "cancelled";
    public const string Declined = "declined";
    public const string Confirmed = "confirmed";
    public const string Attended = "attended";
    public const string NoShow = "no_show";

    public static IReadOnlyList<string> All { get; } = [Scheduled, Moved, Cancelled, Declined, Confirmed, Attended, NoShow];

    /// <summary>Statuses after which no reminder and no invite goes out.</summary>
    public static bool IsClosed(string status) => status is Cancelled or Declined;

    /// <summary>The visit has happened, or the patient did not come: the appointment cannot be moved or cancelled any more.</summary>
    public static bool IsOver(string status) => status is Attended or NoShow;
}
