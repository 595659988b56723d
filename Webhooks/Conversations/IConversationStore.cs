using TwilioFeedback.Conversations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>What <see cref="IConversationStore.ClaimAsync"/> found for a provider message id.</summary>
/// <param name="Replayed">The reply already given, when the message was handled before.</param>
/// <param name="Claimed">True when this request now handles the message; false when another one still does after the wait.</param>
/// <param name="Companion">The value of the companion key read in the same round trip (a claimed message only), if any.</param>
/// <param name="Lease">The claim of a claimed message, renewed until disposed (or released, when handling failed).</param>
public readonly record struct MessageClaim(Reply? Replayed, bool Claimed, byte[]? Companion = null, MessageLease? Lease = null);

/// <summary>
/// A conversation opened for one message: its state, how many effects wait in Redis for PostgreSQL,
/// and the lock held on it. Committing saves the state, remembers the reply and lets go of the lock
/// in one step; disposing an uncommitted one only lets go of the lock.
/// </summary>
public interface IOpenConversation : IAsyncDisposable
{
    ConversationState? State { get; }

    /// <summary>Effects of earlier messages held back while PostgreSQL was down (any patient): newer ones queue behind them.</summary>
    long HeldEffects { get; }

    /// <summary>False when the lock could not be had within the wait: the message is applied anyway.</summary>
    bool Locked { get; }

    Task CommitAsync(ConversationState? next, TimeSpan timeToLive, string providerMessageId, Reply reply, TimeSpan replayWindow);
}

/// <summary>
/// Where a conversation lives: one key per (channel, patient), and what was answered to each message.
/// A message costs three round trips: <see cref="ClaimAsync"/>, <see cref="OpenAsync"/> and the commit.
/// </summary>
public interface IConversationStore
{
    /// <summary>
    /// The reply already given to this provider message id if it was handled before; else claims it (one
    /// round trip). When another request holds the claim, waits for that one to finish (then the same
    /// reply) or for its claim to run out, as a dead process's does (then this request takes over). A
    /// claimed message also gets the value of <paramref name="companionKey"/> (a whole key, e.g. the
    /// patient's cached record), saving a round trip.
    /// </summary>
    Task<MessageClaim> ClaimAsync(string providerMessageId, string? companionKey, CancellationToken cancellationToken);

    /// <summary>
    /// Holds one conversation while a message is applied to it, so that two messages from one patient
    /// arriving together are applied one after the other, and reads its state. Waits up to
    /// <paramref name="wait"/> for the lock, then goes on without it rather than drop the message.
    /// </summary>
    Task<IOpenConversation> OpenAsync(Channel channel, string subject, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Ends a conversation at once (an erased patient's).</summary>
    Task DeleteAsync(Channel channel, string subject);
}
