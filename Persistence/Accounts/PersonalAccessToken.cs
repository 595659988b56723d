namespace TwilioFeedback.Persistence.Accounts;

/// <summary>A named API token of one user: only its SHA-256 is kept; it acts with the user's current roles.</summary>
public sealed class PersonalAccessToken
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the token as shown once to its owner.</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
