using System.Globalization;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Webhooks.Patients;

/// <summary>The patient behind a conversation, as the engine and the effects need it.</summary>
public sealed record PatientRecord(long Id, string ExternalId, Language? PreferredLanguage, bool OptedOut, bool AwaitingConfirmation)
{
    /// <summary>When PostgreSQL gave this copy (kept with the copy cached in Redis).</summary>
    public DateTimeOffset? ReadAt { get; init; }

    public PatientSnapshot Snapshot => new(PreferredLanguage, OptedOut, AwaitingConfirmation);

    /// <summary>Names the patient in Redis keys without the phone number.</summary>
    public string Subject => Id.ToString(CultureInfo.InvariantCulture);
}
