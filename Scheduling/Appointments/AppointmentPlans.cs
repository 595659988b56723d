using TwilioFeedback.Scheduling.Reminders;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>When a plan's reminders go for a visit: each step in hospital time, moved out of quiet hours; a step that would fall at or after the visit is skipped.</summary>
public static class AppointmentPlans
{
    /// <summary>Why a step makes no reminder: its time (after quiet hours) is not before the visit.</summary>
    public const string NotBeforeVisit = "not_before_visit";

    /// <summary>Why a step was skipped: its time had passed when the appointment was made or moved.</summary>
    public const string TooLate = "too_late";

    /// <summary>Each step's time in UTC, in order, and why it is skipped (null: it goes).</summary>
    public static List<(DateTimeOffset At, string? Skip)> Expand(IReadOnlyList<AppointmentPlanStep> plan, DateTimeOffset startsAt, QuietHours quiet, DateTimeOffset now)
    {
        var times = new List<(DateTimeOffset, string?)>();
        foreach (var step in plan)
        {
            var at = step.Before is { } before ? startsAt - before : LocalDayBefore(startsAt, step.DaysBefore!.Value, step.At!.Value, quiet.Zone);
            at = quiet.NextAllowed(at.ToUniversalTime());
            var skip = at >= startsAt ? NotBeforeVisit : at < now ? TooLate : null;
            if (!times.Exists(t => t.Item1 == at))
            {
                times.Add((at, skip));
            }
        }
        return [.. times.OrderBy(t => t.Item1)];
    }

    private static DateTimeOffset LocalDayBefore(DateTimeOffset startsAt, int days, TimeOnly at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(startsAt, zone).Date.AddDays(-days) + at.ToTimeSpan();
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
