namespace TwilioFeedback.Persistence;

/// <summary>A staff phone that is offered languages not yet live, so speakers can try their work on the real channels.</summary>
public sealed class PreviewNumber
{
    public long Id { get; set; }

    /// <summary>E.164 number, encrypted at rest like a patient's.</summary>
    public required string Phone { get; set; }

    /// <summary>HMAC-SHA256 of the E.164 number under the server's secret: the lookup key.</summary>
    public required byte[] PhoneHash { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}
