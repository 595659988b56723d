using StackExchange.Redis;
using TwilioFeedback.Conversations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// Every Redis key and lock of the server, under <see cref="RedisOptions.KeyPrefix"/>, so that two
/// deployments (or test classes) sharing one Redis never meet. Values carry no phone number: patients
/// are named by the keyed hash of theirs.
/// </summary>
public sealed class RedisKeys(string prefix)
{
    /// <summary>A conversation's state: per channel and patient (or call / USSD session).</summary>
    public RedisKey Conversation(Channel channel, string subject) => $"{prefix}conv:{channel}:{subject}";

    /// <summary>Held while one message is applied to a conversation (<see cref="RedisLock"/>).</summary>
    public RedisKey ConversationLock(Channel channel, string subject) => $"{prefix}lock:{channel}:{subject}";

    /// <summary>The reply given to a provider message id, to answer a retry identically.</summary>
    public RedisKey Reply(string providerMessageId) => $"{prefix}reply:{providerMessageId}";

    /// <summary>Set while a request handles a provider message id.</summary>
    public RedisKey Claim(string providerMessageId) => $"{prefix}claim:{providerMessageId}";

    /// <summary>The patient's copy, named by the keyed hash of their number.</summary>
    public RedisKey Patient(byte[] phoneHash) => $"{prefix}patient:{Convert.ToHexStringLower(phoneHash)}";

    /// <summary>Effects held while PostgreSQL is down, by provider message id (a hash).</summary>
    public RedisKey HeldItems => $"{prefix}pending:items";

    /// <summary>The order held effects are written in (a sorted set of provider message ids).</summary>
    public RedisKey HeldOrder => $"{prefix}pending:order";

    /// <summary>The counter that orders held effects.</summary>
    public RedisKey HeldSequence => $"{prefix}pending:sequence";

    /// <summary>Held items PostgreSQL refused for another reason than an outage, set aside by the drainer.</summary>
    public RedisKey HeldFailed => $"{prefix}pending:failed";

    /// <summary>One drainer at a time across instances (<see cref="RedisLock"/>).</summary>
    public RedisKey DrainLock => $"{prefix}pending:lock";

    /// <summary>Webhooks held while PostgreSQL is down (status callbacks, a stranger's messages): their encrypted forms by id (a hash).</summary>
    public RedisKey HeldWebhooks => $"{prefix}webhooks:held:items";

    /// <summary>The order held webhooks are replayed in (a sorted set of their ids by arrival).</summary>
    public RedisKey HeldWebhookOrder => $"{prefix}webhooks:held:order";

    /// <summary>One replayer of held webhooks at a time across instances (<see cref="RedisLock"/>).</summary>
    public RedisKey HeldWebhookLock => $"{prefix}webhooks:held:lock";

    /// <summary>When each channel's webhook was last seen with a good and with a bad signature (a hash: <c>{channel}:ok|bad</c> → Unix ms).</summary>
    public RedisKey WebhookSightings => $"{prefix}webhooks:seen";

    /// <summary>The studio's version: bumped by every approval, live switch or preview-number change; instances reload when it moves.</summary>
    public RedisKey StudioVersion => $"{prefix}studio:version";
}
