using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TwilioFeedback.Conversations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// The Redis store: JSON values (source-generated serializer) with a time to live. Each step is one
/// Lua script, so one round trip, and atomic: a reply is never remembered without its state. A message
/// usually takes two: the claim with the conversation opened, and the commit.
/// </summary>
public sealed class RedisConversationStore(IConnectionMultiplexer redis, RedisKeys names, TimeProvider clock) : IConversationStore
{
    /// <summary>
    /// How long a claim on a provider message id lives unless renewed (its holder renews it every third
    /// of this): short, so that the claim of a process that died runs out well within Twilio's 15 s.
    /// </summary>
    public static readonly TimeSpan ClaimTime = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a post that finds its message claimed waits for the holder to finish (same reply) or for
    /// its claim to run out (take over): a dead holder's claim, plus time to handle the message, inside Twilio's 15 s.
    /// </summary>
    public static readonly TimeSpan ClaimWait = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan ClaimPoll = TimeSpan.FromMilliseconds(50);
    /// <summary>How long a conversation's lock lives unless renewed: the message's lease renews it with its claim.</summary>
    public static readonly TimeSpan LockTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(20);

    // The usual message in one round trip. The remembered reply: {1, reply}. Else the claim (SET NX with this
    // request's token and a time to live), held by another request: {2}. Claimed: the patient's copy and, when
    // the conversation can be named, its lock (the same token) with its state and the count of held effects:
    // {0, copy, subject, state, held}; {0, copy} when it cannot be named or its lock is busy (the caller then
    // opens it with OpenScript). The conversation is KEYS[5] (lock KEYS[6]) when the caller names it (a call,
    // a session); else this script names it by the patient id in the copy, with the key prefixes ARGV[4] and
    // ARGV[5]: keys not passed in KEYS, which a single Redis allows (not Redis Cluster: see the README). The
    // caller checks that name against the patient it then finds, so a stale or odd copy costs a round trip, never a wrong lock.
    private const string ClaimScript = """
        local reply = redis.call('GET', KEYS[1])
        if reply then return {1, reply} end
        if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then return {2} end
        local copy = redis.call('GET', KEYS[4]) or ''
        local conversation, lock, subject = KEYS[5], KEYS[6], ARGV[6]
        if not conversation and copy ~= '' then
          local ok, patient = pcall(cjson.decode, copy)
          if ok and type(patient) == 'table' and type(patient.Id) == 'number' then
            subject = string.format('%d', patient.Id)
            conversation, lock = ARGV[4] .. subject, ARGV[5] .. subject
          end
        end
        if not conversation or not redis.call('SET', lock, ARGV[2], 'NX', 'PX', ARGV[3]) then return {0, copy} end
        return {0, copy, subject, redis.call('GET', conversation) or '', redis.call('ZCARD', KEYS[3])}
        """;

    // Takes the lock when ARGV[1] is a token (empty: read without it) and reads the state, the held count and
    // the patient's copy as they are once the lock is had. {1, state, held, copy} when had (or not wanted), {0}
    // when another request holds it.
    private const string OpenScript = """
        if ARGV[1] ~= '' and not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
        return {1, redis.call('GET', KEYS[1]) or '', redis.call('ZCARD', KEYS[3]), redis.call('GET', KEYS[4]) or ''}
        """;

    // Saves (or, empty, deletes) the state, remembers the reply, and deletes the lock and the message's claim
    // if they are still ours (as RedisLock does): with the reply remembered, a retry is answered by it.
    private const string CommitScript = """
        if ARGV[1] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
        redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
        if ARGV[5] ~= '' and redis.call('GET', KEYS[3]) == ARGV[5] then redis.call('DEL', KEYS[3]) end
        if redis.call('GET', KEYS[4]) == ARGV[6] then redis.call('DEL', KEYS[4]) end
        return 1
        """;

    // The conversation and lock key prefixes of each channel, for ClaimScript to name a patient's conversation.
    private readonly Dictionary<Channel, (RedisValue Conversation, RedisValue Lock)> _prefixes = Enum.GetValues<Channel>()
        .ToDictionary(c => c, c => ((RedisValue)(string)names.Conversation(c, "")!, (RedisValue)(string)names.ConversationLock(c, "")!));

    private IDatabase Db => redis.GetDatabase();

    private RedisKeys Names => names;

    public async Task<MessageClaim> ClaimAsync(string providerMessageId, string patientCopyKey, Channel channel, string? subject, CancellationToken cancellationToken)
    {
        var claimKey = names.Claim(providerMessageId);
        RedisKey[] keys = subject is null
            ? [names.Reply(providerMessageId), claimKey, names.HeldOrder, patientCopyKey]
            : [names.Reply(providerMessageId), claimKey, names.HeldOrder, patientCopyKey, names.Conversation(channel, subject), names.ConversationLock(channel, subject)];
        var token = RedisLock.NewToken();
        var (conversationPrefix, lockPrefix) = _prefixes[channel];
        RedisValue[] values = [(long)ClaimTime.TotalMilliseconds, token, (long)LockTime.TotalMilliseconds, conversationPrefix, lockPrefix, subject ?? ""];
        var started = clock.GetTimestamp();
        while (true)
        {
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ClaimScript, keys, values))!;
            switch ((int)result[0])
            {
                case 1:
                    return new MessageClaim(JsonSerializer.Deserialize((byte[])result[1]!, StoreJson.Default.Reply), false);
                case 0:
                    var companion = (byte[])result[1]! is { Length: > 0 } value ? value : null;
                    var lease = new MessageLease(Db, claimKey, token, ClaimTime, clock);
                    if (result.Length == 2)
                    {
                        return new MessageClaim(null, true, companion, lease);
                    }
                    var opened = (string)result[2]!;
                    lease.Covers(names.ConversationLock(channel, opened), LockTime);
                    var conversation = new Open(this, names.Conversation(channel, opened), names.ConversationLock(channel, opened), opened, token,
                        StateFrom((byte[])result[3]!), (long)result[4], lease, companion);
                    return new MessageClaim(null, true, companion, lease, conversation);
            }
            // Another request holds it: a live one renews its claim and soon leaves its reply; a dead one's runs out.
            if (clock.GetElapsedTime(started) >= ClaimWait)
            {
                return new MessageClaim(null, false);
            }
            await Task.Delay(ClaimPoll, clock, cancellationToken);
        }
    }

    private static ConversationState? StateFrom(byte[] value) =>
        value.Length == 0 ? null : JsonSerializer.Deserialize(value, StoreJson.Default.ConversationState);

    public Task DeleteAsync(Channel channel, string subject) => Db.KeyDeleteAsync(names.Conversation(channel, subject));

    public async Task<IOpenConversation> OpenAsync(Channel channel, string subject, string patientCopyKey, TimeSpan wait, MessageLease claim, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [names.Conversation(channel, subject), names.ConversationLock(channel, subject), names.HeldOrder, patientCopyKey];
        // The claim's token, as ClaimScript's lock has: the claim's renewal renews the lock too.
        var token = claim.Token;
        // A wait is measured by the clock's timestamps (monotonic), as the claim's is.
        var started = clock.GetTimestamp();
        while (true)
        {
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(OpenScript, keys, [token, (long)LockTime.TotalMilliseconds]))!;
            if ((int)result[0] == 1)
            {
                if (token.Length > 0)
                {
                    claim.Covers(keys[1], LockTime);
                }
                return new Open(this, keys[0], keys[1], subject, token.Length == 0 ? null : token, StateFrom((byte[])result[1]!), (long)result[2], claim,
                    (byte[])result[3]! is { Length: > 0 } copy ? copy : null);
            }
            if (clock.GetElapsedTime(started) >= wait)
            {
                token = ""; // past the wait, go on without the lock rather than drop the message
                continue;
            }
            await Task.Delay(LockPoll, clock, cancellationToken);
        }
    }

    private sealed class Open(
        RedisConversationStore store, RedisKey conversation, RedisKey lockKey, string subject, string? token, ConversationState? state, long held, MessageLease claim,
        byte[]? patientCopy)
        : IOpenConversation
    {
        private bool _done;

        public string Subject => subject;

        public byte[]? PatientCopy => patientCopy;

        public ConversationState? State => state;

        public long HeldEffects => held;

        public bool Locked => token is not null;

        public async Task CommitAsync(ConversationState? next, TimeSpan timeToLive, string providerMessageId, Reply reply, TimeSpan replayWindow)
        {
            await store.Db.ScriptEvaluateAsync(CommitScript, [conversation, store.Names.Reply(providerMessageId), lockKey, claim.Key],
            [
                next is null ? RedisValue.EmptyString : JsonSerializer.SerializeToUtf8Bytes(next, StoreJson.Default.ConversationState),
                (long)timeToLive.TotalMilliseconds,
                JsonSerializer.SerializeToUtf8Bytes(reply, StoreJson.Default.Reply),
                (long)replayWindow.TotalMilliseconds,
                token ?? "",
                claim.Token,
            ]);
            _done = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_done && token is not null)
            {
                _done = true;
                await RedisLock.ReleaseAsync(store.Db, lockKey, token);
            }
        }
    }
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationState))]
[JsonSerializable(typeof(Reply))]
internal sealed partial class StoreJson : JsonSerializerContext;
