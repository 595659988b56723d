namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>The hours (hospital time) when a reminder that is not urgent waits for the morning.</summary>
public sealed record QuietHours(TimeZoneInfo Zone, TimeOnly From, TimeOnly Until)
{
    public static QuietHours Of(ReminderOptions options) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone), options.QuietFrom, options.QuietUntil);

    /// <summary>The first minute at or after <paramref name="utc"/> outside quiet hours.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset utc)
    {
        var local = TimeZoneInfo.ConvertTime(utc, Zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var quiet = From > Until ? time >= From || time < Until : time >= From && time < Until;
        if (!quiet)
        {
            return utc;
        }
        var day = time >= From && From > Until ? local.Date.AddDays(1) : local.Date;
        var allowedLocal = day + Until.ToTimeSpan();
        return new DateTimeOffset(allowedLocal, Zone.GetUtcOffset(allowedLocal)).ToUniversalTime();
    }
}
