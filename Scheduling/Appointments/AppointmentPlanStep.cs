namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>One reminder of a plan: <see cref="DaysBefore"/> days before the visit at <see cref="At"/> (hospital time), or <see cref="Before"/> the visit.</summary>
public sealed class AppointmentPlanStep
{
    public int? DaysBefore { get; set; }

    public TimeOnly? At { get; set; }

    public TimeSpan? Before { get; set; }

    public bool IsValid => (DaysBefore is >= 0 and <= 60 && At is not null && Before is null)
        || (Before is { } before && before > TimeSpan.Zero && before <= TimeSpan.FromDays(60) && DaysBefore is null && At is null);
}
