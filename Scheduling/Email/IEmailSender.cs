namespace TwilioFeedback.Scheduling.Email;

/// <summary>What became of one email.</summary>
public sealed record EmailResult(string? MessageId, bool Permanent, string? Error)
{
    /// <summary>The provider's words, with any email or phone number in them masked (they reach the database and the logs).</summary>
    public string? Error { get; init; } = TwilioFeedback.Persistence.Privacy.Mask.Scrub(Error);

    /// <summary>An address the sender cannot parse: permanent, and nothing was sent.</summary>
    public static EmailResult Unusable { get; } = new(null, true, "Not an email address the sender can use (one mailbox, as name@domain.example).");

    public bool Succeeded => MessageId is not null;
}

/// <summary>Sends one plain-text email. The one way the server sends email; configuration picks the transport.</summary>
public interface IEmailSender
{
    Task<EmailResult> SendAsync(string to, string subject, string body, CancellationToken cancellationToken);
}
