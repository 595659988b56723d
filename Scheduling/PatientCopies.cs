namespace TwilioFeedback.Scheduling;

/// <summary>
/// Copies of patients kept outside PostgreSQL for conversations (the webhook host keeps them in Redis).
/// Background work that changes what a conversation must know of a patient — an opt-out, a reminder
/// that now waits for 1 or 2 — says so, and the copy is dropped.
/// </summary>
public interface IPatientCopies
{
    /// <param name="phoneHash">The patient's phone hash (null: no phone, no copy).</param>
    Task ChangedAsync(byte[]? phoneHash);
}
