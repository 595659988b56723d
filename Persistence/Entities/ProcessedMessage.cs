namespace TwilioFeedback.Persistence;

/// <summary>
/// A provider message id (MessageSid, CallSid:step, USSD session:step) whose state-changing effects
/// were applied: a replay found here changes nothing, long after the Redis reply key has gone.
/// </summary>
public sealed class ProcessedMessage
{
    public required string ProviderId { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
