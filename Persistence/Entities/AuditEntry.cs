namespace TwilioFeedback.Persistence;

/// <summary>Who read, exported, changed or erased patient data, and when.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The person (token name) who acted.</summary>
    public required string Actor { get; set; }

    /// <summary>read, export, change, erase.</summary>
    public required string Action { get; set; }

    /// <summary>What was touched, e.g. patient PAT123, feedback 42.</summary>
    public required string Target { get; set; }
}
