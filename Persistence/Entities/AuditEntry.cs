namespace TwilioFeedback.Persistence;

/// <summary>Who read, exported, changed or erased patient data, and when.</summary>
public sealed class AuditEntry
{
    /// <summary>The columns' lengths: the longest action in use (<c>2fa-off-refused</c>) is 15 characters, with room for more.</summary>
    public const int MaxActorLength = 128, MaxActionLength = 64, MaxTargetLength = 128;

    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The person (token name) who acted.</summary>
    public required string Actor { get; set; }

    /// <summary>read, export, change, erase, sign-in, studio-approve, …</summary>
    public required string Action { get; set; }

    /// <summary>What was touched, e.g. patient PAT123, feedback 42.</summary>
    public required string Target { get; set; }

    /// <summary>A row whose values are cut to their columns, so that a long token name or target is recorded rather than failing the request.</summary>
    public static AuditEntry Of(DateTimeOffset at, string actor, string action, string target) => new()
    {
        At = at, Actor = Cut(actor, MaxActorLength), Action = Cut(action, MaxActionLength), Target = Cut(target, MaxTargetLength),
    };

    private static string Cut(string value, int length) => value.Length <= length ? value : value[..length];
}
