using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TwilioFeedback.Conversations.Storage;

/// <summary>Redis settings: <c>Redis:Configuration</c> (or <c>REDIS_URL</c>) and a key prefix.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    [Required(ErrorMessage = "Redis:Configuration (or REDIS_URL) is required.")]
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key, so that several deployments or test classes share one Redis.</summary>
    public string KeyPrefix { get; set; } = "tf:";
}

/// <summary>How long an unfinished conversation is kept, per channel.</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Conversations:MessagingTimeToLive must be between 1 minute and 30 days.")]
    public TimeSpan MessagingTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the reply to a MessageSid is remembered, to answer Twilio's retries identically.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Conversations:ReplayWindow must be between 1 minute and 7 days.")]
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The language of the first screen when the patient's language is not known yet.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>How long a call's or a USSD session's state is kept: they last minutes, not days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Conversations:SessionTimeToLive must be between 1 minute and 1 day.")]
    public TimeSpan SessionTimeToLive { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan TimeToLive(Channel channel) => channel is Channel.Voice or Channel.Ussd ? SessionTimeToLive : MessagingTimeToLive;
}

/// <summary>Where a conversation lives: one key per (channel, patient), and what was answered to each message.</summary>
public interface IConversationStore
{
    Task<ConversationState?> GetAsync(Channel channel, string subject, CancellationToken cancellationToken);

    Task SaveAsync(Channel channel, string subject, ConversationState? state, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>The reply already given to this provider message id, if it was handled before.</summary>
    Task<Reply?> GetReplyAsync(string providerMessageId, CancellationToken cancellationToken);

    /// <summary>Marks a message as being handled; false when another request holds it.</summary>
    Task<bool> TryClaimAsync(string providerMessageId, CancellationToken cancellationToken);

    Task RememberReplyAsync(string providerMessageId, Reply reply, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Lets a retry of a message whose handling failed be handled afresh.</summary>
    Task ReleaseAsync(string providerMessageId, CancellationToken cancellationToken);

    /// <summary>
    /// Holds one conversation while a message is applied to it, so that two messages from one patient
    /// arriving together are applied one after the other. Waits up to <paramref name="wait"/>; null if not had.
    /// </summary>
    Task<IAsyncDisposable?> LockAsync(Channel channel, string subject, TimeSpan wait, CancellationToken cancellationToken);
}

/// <summary>The Redis store: JSON values (source-generated serializer) with a time to live.</summary>
public sealed class RedisConversationStore(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IConversationStore
{
    private static readonly TimeSpan ClaimTime = TimeSpan.FromSeconds(30);
    private readonly string _prefix = options.Value.KeyPrefix;

    private IDatabase Db => redis.GetDatabase();

    private RedisKey StateKey(Channel channel, string subject) => $"{_prefix}conv:{channel}:{subject}";

    private RedisKey ReplyKey(string id) => $"{_prefix}reply:{id}";

    private RedisKey ClaimKey(string id) => $"{_prefix}claim:{id}";

    public async Task<ConversationState?> GetAsync(Channel channel, string subject, CancellationToken cancellationToken)
    {
        var value = await Db.StringGetAsync(StateKey(channel, subject));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((byte[])value!, StoreJson.Default.ConversationState);
    }

    public Task SaveAsync(Channel channel, string subject, ConversationState? state, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        state is null
            ? Db.KeyDeleteAsync(StateKey(channel, subject))
            : Db.StringSetAsync(StateKey(channel, subject), JsonSerializer.SerializeToUtf8Bytes(state, StoreJson.Default.ConversationState), timeToLive);

    public async Task<Reply?> GetReplyAsync(string providerMessageId, CancellationToken cancellationToken)
    {
        var value = await Db.StringGetAsync(ReplyKey(providerMessageId));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((byte[])value!, StoreJson.Default.Reply);
    }

    public Task<bool> TryClaimAsync(string providerMessageId, CancellationToken cancellationToken) =>
        Db.StringSetAsync(ClaimKey(providerMessageId), 1, ClaimTime, When.NotExists);

    public Task RememberReplyAsync(string providerMessageId, Reply reply, TimeSpan window, CancellationToken cancellationToken) =>
        Db.StringSetAsync(ReplyKey(providerMessageId), JsonSerializer.SerializeToUtf8Bytes(reply, StoreJson.Default.Reply), window);

    public Task ReleaseAsync(string providerMessageId, CancellationToken cancellationToken) =>
        Db.KeyDeleteAsync(ClaimKey(providerMessageId));

    public async Task<IAsyncDisposable?> LockAsync(Channel channel, string subject, TimeSpan wait, CancellationToken cancellationToken)
    {
        RedisKey key = $"{_prefix}lock:{channel}:{subject}";
        var token = Guid.NewGuid().ToString("N");
        var deadline = DateTime.UtcNow + wait;
        while (!await Db.LockTakeAsync(key, token, TimeSpan.FromSeconds(10)))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return null;
            }
            await Task.Delay(20, cancellationToken);
        }
        return new Held(Db, key, token);
    }

    // Deletes the lock only if it is still ours, in one round trip: LockReleaseAsync is a WATCH/MULTI
    // transaction whose condition holds the connection's writer while it waits, stalling every other request.
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    private sealed class Held(IDatabase db, RedisKey key, string token) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await db.ScriptEvaluateAsync(ReleaseScript, [key], [token]);
    }
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationState))]
[JsonSerializable(typeof(Reply))]
internal sealed partial class StoreJson : JsonSerializerContext;
