using System.Text.Json.Serialization;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>A take waiting for review.</summary>
public sealed record RecordingDraft(long Id, string? Author, DateTimeOffset RecordedAt, int DurationMs);

/// <summary>The take callers hear.</summary>
public sealed record RecordingApproved(string? Author, string? Reviewer, DateTimeOffset? ApprovedAt, int DurationMs);

/// <summary>One voice prompt of a language in the studio: its sources, its draft and its approved take.</summary>
/// <remarks>Draft, approved and say are written as null when absent (the contract shows them), unlike the API's other empty fields.</remarks>
/// <param name="Say">English and French only: the <c>&lt;Say&gt;</c> TwiML a call gets while no approved take exists; null where Twilio has no speech.</param>
/// <param name="Kind"><c>prompt</c> (the survey's and the reminder call's own prompts, needed for a language to go live on calls) or
/// <c>reminder</c> (a reminder template a call speaks, Duala, Basaa and Ewondo only: without a take, the French text is spoken).</param>
/// <param name="Values">A reminder template's placeholders (<c>{date}</c>, …): a recording cannot say them, so a template with any is not recordable.</param>
public sealed record RecordingItem(
    string Key, string Purpose, string English, string French,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RecordingDraft? Draft,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] RecordingApproved? Approved,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Say,
    string Kind = RecordingItem.Prompt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<string>? Values = null)
{
    public const string Prompt = "prompt";
    public const string Reminder = "reminder";

    /// <summary>Whether a take can be recorded for it: every prompt, and a reminder template without values.</summary>
    public bool Recordable => Values is not { Count: > 0 };
}

/// <summary>The answer to an upload: the new draft.</summary>
public sealed record RecordingUploaded(RecordingDraft Draft);

/// <summary>Approves the draft the reviewer listened to; a newer take makes it a 409.</summary>
public sealed record ApproveRecording(long DraftId);
