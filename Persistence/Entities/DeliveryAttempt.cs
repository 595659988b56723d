namespace TwilioFeedback.Persistence;

/// <summary>One try at sending a reminder on one channel.</summary>
public sealed class DeliveryAttempt
{
    public long Id { get; set; }

    public long ReminderId { get; set; }

    public required string Channel { get; set; }

    /// <summary>sent, failed, dry_run.</summary>
    public required string Outcome { get; set; }

    public string? ProviderId { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }
}
