namespace TwilioFeedback.Webhooks.Web.Studio;

// The studio API's shapes (snake_case on the wire), as the contract shared with the studio page gives them.

public sealed record StudioLanguageResponse(string Code, string Name, string Fallback, IReadOnlyList<StudioChannelCoverage> Channels);

public sealed record StudioChannelCoverage(string Channel, int Items, int Written, int Approved, int RecordingsMissing, bool Live);

/// <param name="SmsSegments">The SMS parts a text should fit in (more is warned about).</param>
/// <param name="SmsSegmentsMax">The SMS parts above which a draft is refused.</param>
/// <param name="Sample">What placeholders stand for in the longest text a patient gets (a language menu: every language listed), which the limits are checked on; null when the text is checked as written.</param>
public sealed record StudioLimits(int? SmsSegments, int? UssdChars, int? SmsSegmentsMax, IReadOnlyDictionary<string, string>? Sample);

public sealed record StudioApproved(string Text, string Author, string Reviewer, DateTimeOffset ApprovedAt);

public sealed record StudioDraft(long Id, string Text, string Author, DateTimeOffset WrittenAt, string Source);

public sealed record StudioItem(
    string Key,
    string Purpose,
    IReadOnlyList<string> Channels,
    IReadOnlyList<string> Placeholders,
    StudioLimits Limits,
    string English,
    string French,
    StudioApproved? Approved,
    StudioDraft? Draft);

public sealed record StudioHistoryEntry(string Action, string Text, string By, DateTimeOffset At);

public sealed record DraftRequest(string? Text, string? Source);

public sealed record ApproveRequest(long? DraftId);

public sealed record LiveRequest(bool? Live);

public sealed record PreviewNumberEntry(string? Phone, string? Name);
