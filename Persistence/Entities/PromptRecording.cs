namespace TwilioFeedback.Persistence;

/// <summary>A recorded voice prompt (key × language), played on calls instead of text-to-speech.</summary>
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

    public DateTimeOffset UpdatedAt { get; set; }
}
