using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Hospital;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>The texts an appointment sends (<c>reminders.template</c> → Resources key), and their values, written from the appointment as it is at send time.</summary>
public static class AppointmentTexts
{
    public const string Reminder = "appointment";
    public const string Moved = "appointment_moved";
    public const string Cancelled = "appointment_cancelled";
    public const string FeedbackInvite = "feedback_invite";

    public static IReadOnlyDictionary<string, string> Keys { get; } = new Dictionary<string, string>
    {
        [Reminder] = "Template_Appointment",
        [Moved] = MessageKeys.AppointmentMoved,
        [Cancelled] = MessageKeys.AppointmentCancelled,
        [FeedbackInvite] = "Template_FeedbackInvite",
    };

    /// <summary>{department} (<paramref name="department"/>: its name in the language, <see cref="DepartmentNames"/>), {date} (<c>2 December</c>, in the language) and {time} (<c>09:30</c>), in hospital time.</summary>
    public static Dictionary<string, string> Values(Appointment appointment, Language language, TimeZoneInfo zone, string department)
    {
        var local = TimeZoneInfo.ConvertTime(appointment.StartsAt, zone);
        return new()
        {
            ["department"] = department,
            ["date"] = local.ToString("d MMMM", language.Culture()),
            ["time"] = local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
