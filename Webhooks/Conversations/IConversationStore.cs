using TwilioFeedback.Conversations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>What <see cref="IConversationStore.ClaimAsync"/> found for a provider message id.</summary>
/// <param name="Replayed">The reply already given, when the message was handled before.</param>
/// <param name="Claimed">True when this request now handles the message; false when another one still does after the wait.</param>
/// <param name="Companion">The patient's cached copy read in the same round trip (a claimed message only), if any.</param>
/// <param name="Lease">The claim of a claimed message, renewed until disposed (or released, when handling failed).</param>
/// <param name="Conversation">
/// The conversation opened (locked, with its state) in the same round trip, when it could be named then:
/// the call's or session's own, or the patient's as the copy names them. Null when it could not be named
/// or its lock was busy; the caller opens it with <see cref="IConversationStore.OpenAsync"/>.
/// </param>
public readonly record struct MessageClaim(
    Reply? Replayed, bool Claimed, byte[]? Companion = null, MessageLease? Lease = null, IOpenConversation? Conversation = null);

/// <summary>
/// A conversation opened for one message: its state, how many effects wait in Redis for PostgreSQL,
/// and the lock held on it. Committing saves the state, remembers the reply and lets go of the lock
/// and of the message's claim in one step; disposing an uncommitted one only lets go of the lock.
/// </summary>
public interface IOpenConversation : IAsyncDisposable
{
    /// <summary>Whose conversation this is (a patient id, a CallSid or a USSD session id).</summary>
    string Subject { get; }

    ConversationState? State { get; }

    /// <summary>The patient's cached copy as it was when the lock was taken (null: none), read in the same step.</summary>
    byte[]? PatientCopy { get; }

    /// <summary>Effects of earlier messages held back while PostgreSQL was down (any patient): newer ones queue behind them.</summary>
    long HeldEffects { get; }

    /// <summary>False when the lock could not be had within the wait: the message is applied anyway.</summary>
    bool Locked { get; }

    Task CommitAsync(ConversationState? next, TimeSpan timeToLive, string providerMessageId, Reply reply, TimeSpan replayWindow);
}

/// <summary>
/// Where a conversation lives: one key per (channel, patient), and what was answered to each message.
/// A message usually costs two round trips: <see cref="ClaimAsync"/> (which also opens the conversation)
/// and the commit; a new patient's first message, or one that finds its conversation busy, one more
/// (<see cref="OpenAsync"/>).
/// </summary>
public interface IConversationStore
{
    /// <summary>
    /// The reply already given to this provider message id if it was handled before; else claims it (one
    /// round trip). When another request holds the claim, waits for that one to finish (then the same
    /// reply) or for its claim to run out, as a dead process's does (then this request takes over). A
    /// claimed message also gets the patient's copy at <paramref name="patientCopyKey"/> and, in the same
    /// round trip, its conversation on <paramref name="channel"/> opened: <paramref name="subject"/>'s when
    /// given (a call, a session), else that of the patient the copy names.
    /// </summary>
    Task<MessageClaim> ClaimAsync(string providerMessageId, string patientCopyKey, Channel channel, string? subject, CancellationToken cancellationToken);

    /// <summary>
    /// Holds one conversation while a message is applied to it, so that two messages from one patient
    /// arriving together are applied one after the other, and reads its state and the patient's copy at
    /// <paramref name="patientCopyKey"/> as they are once the lock is had. Waits up to
    /// <paramref name="wait"/> for the lock, then goes on without it rather than drop the message.
    /// The commit also lets go of <paramref name="claim"/>.
    /// </summary>
    Task<IOpenConversation> OpenAsync(Channel channel, string subject, string patientCopyKey, TimeSpan wait, MessageLease claim, CancellationToken cancellationToken);

    /// <summary>Ends a conversation at once (an erased patient's).</summary>
    Task DeleteAsync(Channel channel, string subject);
}
