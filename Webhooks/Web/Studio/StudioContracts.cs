namespace TwilioFeedback.Webhooks.Web.Studio;

// The studio API's shapes (snake_case on the wire), as the contract shared with the studio page gives them.

public sealed record StudioLanguageResponse(string Code, string Name, string Fallback, IReadOnlyList<StudioChannelCoverage> Channels);

public sealed record StudioChannelCoverage(string Channel, int Items, int Written, int Approved, int RecordingsMissing, bool Live);

public sealed record StudioLimits(int? SmsSegments, int? UssdChars);

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
