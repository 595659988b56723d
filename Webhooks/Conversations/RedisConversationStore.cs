using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TwilioFeedback.Conversations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// The Redis store: JSON values (source-generated serializer) with a time to live. Each step is one
/// Lua script, so one round trip, and atomic: a reply is never remembered without its state.
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
    private static readonly TimeSpan LockTime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(20);
    // The remembered reply, else a claim (SET NX with this request's token and a time to live) and the
    // companion key's value: 1 = replayed (with the reply), 0 = claimed (with the companion value or ''),
    // 2 = held by another request.
    private const string ClaimScript = """
        local reply = redis.call('GET', KEYS[1])
        if reply then return {1, reply} end
        if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[1]) then
          if KEYS[3] then return {0, redis.call('GET', KEYS[3]) or ''} end
          return {0, ''}
        end
        return {2}
        """;

    // Takes the lock when ARGV[1] is a token (empty: read without it) and reads the state and the held count.
    // {1, state, held} when had (or not wanted), {0} when another request holds it.
    private const string OpenScript = """
        if ARGV[1] ~= '' and not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
        return {1, redis.call('GET', KEYS[1]) or '', redis.call('ZCARD', KEYS[3])}
        """;

    // Saves (or, empty, deletes) the state, remembers the reply, and deletes the lock if it is still ours (as RedisLock does).
    private const string CommitScript = """
        if ARGV[1] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
        redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
        if ARGV[5] ~= '' and redis.call('GET', KEYS[3]) == ARGV[5] then redis.call('DEL', KEYS[3]) end
        return 1
        """;

    private IDatabase Db => redis.GetDatabase();

    private RedisKeys Names => names;

    public async Task<MessageClaim> ClaimAsync(string providerMessageId, string? companionKey, CancellationToken cancellationToken)
    {
        var claimKey = names.Claim(providerMessageId);
        RedisKey[] keys = companionKey is null
            ? [names.Reply(providerMessageId), claimKey]
            : [names.Reply(providerMessageId), claimKey, companionKey];
        var token = RedisLock.NewToken();
        var started = clock.GetTimestamp();
        while (true)
        {
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(ClaimScript, keys, [(long)ClaimTime.TotalMilliseconds, token]))!;
            switch ((int)result[0])
            {
                case 1:
                    return new MessageClaim(JsonSerializer.Deserialize((byte[])result[1]!, StoreJson.Default.Reply), false);
                case 0:
                    var companion = (byte[])result[1]! is { Length: > 0 } value ? value : null;
                    return new MessageClaim(null, true, companion, new MessageLease(Db, claimKey, token, ClaimTime, clock));
            }
            // Another request holds it: a live one renews its claim and soon leaves its reply; a dead one's runs out.
            if (clock.GetElapsedTime(started) >= ClaimWait)
            {
                return new MessageClaim(null, false);
            }
            await Task.Delay(ClaimPoll, clock, cancellationToken);
        }
    }

    public Task DeleteAsync(Channel channel, string subject) => Db.KeyDeleteAsync(names.Conversation(channel, subject));

    public async Task<IOpenConversation> OpenAsync(Channel channel, string subject, TimeSpan wait, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [names.Conversation(channel, subject), names.ConversationLock(channel, subject), names.HeldOrder];
        var token = RedisLock.NewToken();
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var result = (RedisResult[])(await Db.ScriptEvaluateAsync(OpenScript, keys, [token, (long)LockTime.TotalMilliseconds]))!;
            if ((int)result[0] == 1)
            {
                var value = (byte[])result[1]!;
                var state = value.Length == 0 ? null : JsonSerializer.Deserialize(value, StoreJson.Default.ConversationState);
                return new Open(this, keys, token.Length == 0 ? null : token, state, (long)result[2]);
            }
            if (DateTime.UtcNow >= deadline)
            {
                token = ""; // past the wait, go on without the lock rather than drop the message
                continue;
            }
            await Task.Delay(LockPoll, cancellationToken);
        }
    }

    private sealed class Open(RedisConversationStore store, RedisKey[] keys, string? token, ConversationState? state, long held) : IOpenConversation
    {
        private bool _done;

        public ConversationState? State => state;

        public long HeldEffects => held;

        public bool Locked => token is not null;

        public async Task CommitAsync(ConversationState? next, TimeSpan timeToLive, string providerMessageId, Reply reply, TimeSpan replayWindow)
        {
            await store.Db.ScriptEvaluateAsync(CommitScript, [keys[0], store.Names.Reply(providerMessageId), keys[1]],
            [
                next is null ? RedisValue.EmptyString : JsonSerializer.SerializeToUtf8Bytes(next, StoreJson.Default.ConversationState),
                (long)timeToLive.TotalMilliseconds,
                JsonSerializer.SerializeToUtf8Bytes(reply, StoreJson.Default.Reply),
                (long)replayWindow.TotalMilliseconds,
                token ?? "",
            ]);
            _done = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_done && token is not null)
            {
                _done = true;
                await RedisLock.ReleaseAsync(store.Db, keys[1], token);
            }
        }
    }
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationState))]
[JsonSerializable(typeof(Reply))]
internal sealed partial class StoreJson : JsonSerializerContext;
