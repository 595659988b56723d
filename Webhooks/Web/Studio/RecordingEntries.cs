using System.Text.Json.Serialization;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>A take waiting for review.</summary>
public sealed record RecordingDraft(long Id, string? Author, DateTimeOffset RecordedAt, int DurationMs);

/// <summary>The take callers hear.</summary>
public sealed record RecordingApproved(string? Author, string? Reviewer, DateTimeOffset? ApprovedAt, int DurationMs);

/// <summary>One voice prompt of a language in the studio: its sources, its draft and its approved take.</summary>
/// <remarks>Draft, approved and say are written as null when absent (the contract shows them), unlike the API's other empty fields.</remarks>
/// <param name="Say">English and French only: the <c>&lt;Say&gt;</c> TwiML a call gets while no approved take exists; null where Twilio has no speech.</param>
public sealed record RecordingItem(
    string Key, string Purpose, string English, string French,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RecordingDraft? Draft,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RecordingApproved? Approved,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Say);

/// <summary>The answer to an upload: the new draft.</summary>
public sealed record RecordingUploaded(RecordingDraft Draft);

/// <summary>Approves the draft the reviewer listened to; a newer take makes it a 409.</summary>
public sealed record ApproveRecording(long DraftId);
