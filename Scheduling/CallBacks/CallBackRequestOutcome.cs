namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>What became of a call asking to be called back.</summary>
public enum CallBackRequestOutcome
{
    /// <summary>A call-back row is due (now, or when quiet hours end).</summary>
    Scheduled,

    /// <summary>The number has a call-back on its way already.</summary>
    Pending,

    /// <summary>The same incoming call again (a retried webhook, or its status callback after the reject).</summary>
    Repeated,

    /// <summary>The number was called back as often as Voice:CallMeBackPerDay allows today.</summary>
    OverDailyLimit,
}
