namespace TwilioFeedback.Persistence;

/// <summary>Where a voice recording is on its way from the provider to our database.</summary>
public static class RecordingStatus
{
    /// <summary>Known from the call, not yet ready at the provider.</summary>
    public const string Awaiting = "awaiting";

    /// <summary>Ready at the provider: to be fetched.</summary>
    public const string Pending = "pending";

    /// <summary>Claimed by a fetcher.</summary>
    public const string Fetching = "fetching";

    public const string Stored = "stored";

    public const string Failed = "failed";
}

/// <summary>Audio of a spoken comment, encrypted at rest (AES-256-GCM). Patient data.</summary>
public sealed class VoiceRecording
{
    public long Id { get; set; }

    /// <summary>Twilio's RecordingSid (or the MessageSid of a WhatsApp voice note): stored once.</summary>
    public string? ProviderSid { get; set; }

    /// <summary>Where the provider keeps it until we have fetched it.</summary>
    public string? SourceUrl { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public required string ContentType { get; set; }

    /// <summary>nonce | tag | ciphertext, under the key named by <see cref="KeyId"/>.</summary>
    public byte[]? Data { get; set; }

    public string? KeyId { get; set; }

    public int SizeBytes { get; set; }

    /// <summary>Where it came from: api, call, whatsapp.</summary>
    public required string Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StoredAt { get; set; }
}
