namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>Appointments: the reminder plans by name and when the feedback invite goes.</summary>
public sealed class AppointmentOptions
{
    public const string Section = "Appointments";

    /// <summary>The plan an appointment gets when it names none.</summary>
    public const string DefaultPlan = "default";

    /// <summary>Named plans (<c>Appointments:Plans:maternity:0:DaysBefore</c> …); <c>default</c> is always there.</summary>
    public Dictionary<string, List<AppointmentPlanStep>> Plans { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long after the start of the visit the feedback invite goes (at most 48 hours).</summary>
    public TimeSpan FeedbackInviteAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The default plan when configuration names none: 3 days before at 18:00, the day before at 18:00, 2 hours before.</summary>
    public static List<AppointmentPlanStep> BuiltInDefault() =>
    [
        new() { DaysBefore = 3, At = new TimeOnly(18, 0) },
        new() { DaysBefore = 1, At = new TimeOnly(18, 0) },
        new() { Before = TimeSpan.FromHours(2) },
    ];
}
