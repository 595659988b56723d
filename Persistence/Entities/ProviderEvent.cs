namespace TwilioFeedback.Persistence;

/// <summary>A status callback from the provider (a call, a message, a recording), kept as received.</summary>
public sealed class ProviderEvent
{
    public long Id { get; set; }

    /// <summary>call, message or recording.</summary>
    public required string Kind { get; set; }

    public required string Sid { get; set; }

    public required string Status { get; set; }

    public string? ErrorCode { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
