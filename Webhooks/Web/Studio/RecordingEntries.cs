using System.Text.Json.Serialization;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>A take waiting for review.</summary>
public sealed record RecordingDraft(long Id, string? Author, DateTimeOffset RecordedAt, int DurationMs);

/// <summary>The take callers hear.</summary>
public sealed record RecordingApproved(string? Author, string? Reviewer, DateTimeOffset? ApprovedAt, int DurationMs);

/// <summary>One voice prompt of a language in the studio: its sources, its draft and its approved take.</summary>
/// <remarks>Draft and approved are written as null when absent (the contract shows them), unlike the API's other empty fields.</remarks>
public sealed record RecordingItem(
    string Key, string Purpose, string English, string French,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RecordingDraft? Draft,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RecordingApproved? Approved);

/// <summary>The answer to an upload: the new draft.</summary>
public sealed record RecordingUploaded(RecordingDraft Draft);

/// <summary>Approves the draft the reviewer listened to; a newer take makes it a 409.</summary>
public sealed record ApproveRecording(long DraftId);
