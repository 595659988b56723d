namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>How long a reminder that failed for a passing reason waits before its next attempt: doubling from 30 s, at most an hour.</summary>
public static class RetryBackoff
{
    public static TimeSpan After(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, attempts - 1)));
}
