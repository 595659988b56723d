namespace TwilioFeedback.Persistence;

/// <summary>
/// One take of a voice prompt (key × language): a draft until a second person approves it, then the
/// one played on calls until a newer take is approved.
/// </summary>
public sealed class PromptRecording
{
    public long Id { get; set; }

    public required string Language { get; set; }

    public required string Key { get; set; }

    public required string ContentType { get; set; }

    public required byte[] Data { get; set; }

    public int SizeBytes { get; set; }

    /// <summary>A hash of the audio, served as the ETag.</summary>
    public required string Etag { get; set; }

    /// <summary>One of <see cref="PromptRecordingStatus"/>: at most one draft and one approved take per key × language.</summary>
    public required string Status { get; set; }

    public int DurationMs { get; set; }

    /// <summary>The account that recorded it (its <c>sub</c>); null for takes uploaded before review existed.</summary>
    public string? AuthorId { get; set; }

    public string? AuthorName { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public string? ReviewerId { get; set; }

    public string? ReviewerName { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }
}

/// <summary>Where a take stands: waiting for review, played, or kept as history.</summary>
public static class PromptRecordingStatus
{
    public const string Draft = "draft";
    public const string Approved = "approved";

    /// <summary>An approved take a newer approval replaced.</summary>
    public const string Retired = "retired";

    /// <summary>A draft a newer take replaced before anyone approved it.</summary>
    public const string Replaced = "replaced";
}
