namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>What moves a reminder: each move has its own statuses from and to (<see cref="ReminderTransitions.Allowed"/>).</summary>
public enum ReminderMove
{
    /// <summary>A dispatcher takes a due row.</summary>
    Claim,

    /// <summary>A dispatcher takes over a row whose claim's lease has passed (its instance died).</summary>
    TakeOver,

    /// <summary>A row whose lease has passed on its last allowed attempt (<c>Reminders:MaxAttempts</c>) fails for good (<c>abandoned</c>).</summary>
    Abandon,

    /// <summary>A stopping dispatcher gives back what it claimed and did not send.</summary>
    HandBack,

    /// <summary>What a send came to: sent, failed, skipped, or later again (a passing error, quiet hours).</summary>
    Outcome,

    /// <summary>A provider's callback (Twilio message or call status, SendGrid event): forward only.</summary>
    Callback,

    /// <summary>The patient's 1 or 2, by message or keypad.</summary>
    Answer,

    /// <summary>Staff cancel it, or the patient's data is erased: while scheduled, or stuck sending after its lease has passed.</summary>
    Cancel,
}

/// <summary>One allowed move of a reminder's status.</summary>
public sealed record ReminderTransition(ReminderMove Move, string From, string To);
