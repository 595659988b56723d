using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

/// <summary>What the engine knows of the patient before it answers.</summary>
/// <param name="AwaitingConfirmation">A reminder sent to the patient waits for 1 (confirm) or 2 (decline).</param>
public sealed record PatientSnapshot(Language? PreferredLanguage, bool OptedOut, bool AwaitingConfirmation = false)
{
    public static PatientSnapshot Unknown { get; } = new(null, false);
}
