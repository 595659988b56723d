namespace TwilioFeedback.Persistence;

/// <summary>
/// A call we owe a patient who flashed a hospital number (rang and hung up, or was rejected so that
/// the call cost them nothing): placed once, retried once if it fails, at most so many per number a day.
/// </summary>
public sealed class CallBack
{
    public long Id { get; set; }

    /// <summary>E.164 number to call. Patient data: encrypted, never logged in clear.</summary>
    public required string Phone { get; set; }

    /// <summary>The keyed hash of <see cref="Phone"/>: the per-day limit is counted by it.</summary>
    public required byte[] PhoneHash { get; set; }

    /// <summary>The hospital number the patient called: the call back comes from it.</summary>
    public required string HospitalNumber { get; set; }

    /// <summary>The incoming call that asked for it: a repeated webhook or status callback asks nothing more.</summary>
    public required string InboundCallSid { get; set; }

    /// <summary>rejected (answered with &lt;Reject&gt;) or missed (no-answer, canceled).</summary>
    public required string Trigger { get; set; }

    /// <summary>The hospital's day (Reminders:TimeZone) it was asked on, for the per-day limit.</summary>
    public DateOnly Day { get; set; }

    public required string Status { get; set; }

    /// <summary>When it is next due: now, after quiet hours, or after a failed call.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Claims by a dispatcher (a claim whose instance died counts too).</summary>
    public int Attempts { get; set; }

    /// <summary>Calls placed at Twilio (the first and, after a failed one, the retry).</summary>
    public int Calls { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>The CallSid of the call placed last.</summary>
    public string? ProviderId { get; set; }

    /// <summary>What Twilio said of the call placed last (completed, busy, no-answer, failed, canceled).</summary>
    public string? CallStatus { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? PlacedAt { get; set; }
}
