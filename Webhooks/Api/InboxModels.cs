namespace TwilioFeedback.Webhooks.Api;

/// <summary>The inbox's queues, most urgent first.</summary>
public static class InboxQueues
{
    /// <summary>A rating of 1–2, alarming words, or an alert sent.</summary>
    public const string Escalation = "escalation";

    /// <summary>A spoken comment whose transcript no person has confirmed.</summary>
    public const string Voice = "voice";

    /// <summary>A comment in Duala, Basaa, Ewondo or a language the analysis could not tell.</summary>
    public const string Language = "language";

    /// <summary>An analysis that is unsure or disagrees with the rating.</summary>
    public const string Review = "review";

    public static readonly string[] All = [Escalation, Voice, Language, Review];
}

/// <summary>A reply sent to the patient from the inbox: the reminder row that carries it, and its delivery status.</summary>
public sealed record InboxReply(long ReminderId, string Channel, string Status, string? Reason, DateTimeOffset ScheduledTime, DateTimeOffset? SentAt);

/// <summary>One feedback a person should read, with what the machine found and what staff did.</summary>
public sealed record InboxItem(
    long Id,
    string Queue,
    DateTimeOffset DateSubmitted,
    int Rating,
    string Channel,
    string Language,
    string? CommentLanguage,
    string? Content,
    bool HasVoice,
    string? Transcript,
    string? TranscriptBy,
    string? TranscriptStatus,
    string? TranscriptError,
    bool TranscriptConfirmed,
    string? Translation,
    string? Sentiment,
    double? Confidence,
    bool? RatingDisagrees,
    IReadOnlyList<string> Topics,
    bool Alarming,
    bool Escalated,
    bool Reviewed,
    bool CanReply,
    InboxReply? Reply,
    string? Department = null,
    string? SuggestedDepartment = null);

/// <summary>How many unhandled items wait in each queue (with the page's other filters).</summary>
public sealed record InboxCounts(int Escalation, int Voice, int Language, int Review, int Total);

/// <summary>
/// The inbox: counts per queue and per department, and one page of the most urgent items first; pass <c>next_cursor</c>
/// back as <c>cursor</c> (with the same filters) for the next.
/// </summary>
public sealed record InboxPage(
    InboxCounts Counts,
    IReadOnlyList<InboxItem> Items,
    IReadOnlyList<string> Topics,
    IReadOnlyList<InboxDepartmentCount> Departments,
    int Unassigned,
    string? NextCursor);

/// <summary>How many unhandled items of the queue shown are assigned to a department.</summary>
public sealed record InboxDepartmentCount(string Name, int Count);

/// <summary>The department to assign the item to: one of <c>Hospital:Departments</c>, or null for none.</summary>
public sealed record InboxDepartmentRequest(string? Department);

/// <summary>The <c>department</c> filter's word for items assigned to no department.</summary>
public static class InboxDepartments
{
    public const string None = "none";
}

/// <summary>A transcript written or corrected by staff, with a French or English translation for local languages.</summary>
public sealed record InboxTranscriptRequest(string? Transcript, string? Translation);

/// <summary>The sentiment and topics as staff read them (the same as the machine's: confirmed).</summary>
public sealed record InboxAnalysisRequest(string? Sentiment, string[]? Topics);

/// <summary>Staff's own words to the patient; <c>channel</c> sms or whatsapp (default: the one they wrote from).</summary>
public sealed record InboxReplyRequest(string? Message, string? Channel);
