using StackExchange.Redis;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// This request's claim on a provider message id. The claim lives only <see cref="RedisConversationStore.ClaimTime"/>
/// and is renewed while the request runs (a timer, so a fast request costs no round trip), so that a
/// claim left by a process that died runs out within seconds and Twilio's retry or fallback post can
/// take the message over. Disposing stops the renewal; <see cref="ReleaseAsync"/> also deletes the
/// claim, so that a retry of a message whose handling failed runs at once. The conversation's lock,
/// taken with the same token, is renewed with it (<see cref="Covers"/>): a message whose handling
/// outlasts the lock's own time (PostgreSQL answering very slowly) still holds its conversation, so the
/// patient's next message waits for it instead of running beside it.
/// </summary>
public sealed class MessageLease : IAsyncDisposable
{
    private readonly IDatabase _db;
    private readonly RedisKey _key;
    private readonly string _token;
    private readonly TimeSpan _time;
    private readonly ITimer _timer;
    private int _stopped;
    private ConversationLock? _lock;

    // Extends the claim (KEYS[1]) and, while it is still ours too, the conversation's lock (KEYS[2]): one round trip.
    private const string ExtendBothScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
        return 1
        """;

    private sealed record ConversationLock(RedisKey Key, long Milliseconds);

    /// <summary>The claim's key and this request's token in it (the commit deletes the claim with the reply saved).</summary>
    internal RedisKey Key => _key;

    internal string Token => _token;

    internal MessageLease(IDatabase db, RedisKey key, string token, TimeSpan time, TimeProvider clock)
    {
        (_db, _key, _token, _time) = (db, key, token, time);
        var every = time / 3;
        _timer = clock.CreateTimer(_ => _ = RenewAsync(), null, every, every);
    }

    /// <summary>The conversation's lock this request holds with <see cref="Token"/>: renewed from now on with the claim.</summary>
    internal void Covers(RedisKey lockKey, TimeSpan time) => Volatile.Write(ref _lock, new ConversationLock(lockKey, (long)time.TotalMilliseconds));

    private async Task<bool> ExtendAsync() => Volatile.Read(ref _lock) is { } held
        ? (long)(await _db.ScriptEvaluateAsync(ExtendBothScript, [_key, held.Key], [_token, (long)_time.TotalMilliseconds, held.Milliseconds])) == 1
        : await RedisLock.ExtendAsync(_db, _key, _token, _time);

    private async Task RenewAsync()
    {
        if (Volatile.Read(ref _stopped) == 1)
        {
            return;
        }
        try
        {
            if (!await ExtendAsync())
            {
                // Ours ran out (the process stalled) and another request took the message over: leave it to that one.
                await StopAsync();
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Redis unreachable: the claim runs out and a retry takes the message over, which is what Twilio's retry needs anyway.
        }
    }

    private ValueTask StopAsync() =>
        Interlocked.Exchange(ref _stopped, 1) == 0 ? _timer.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Stops renewing and deletes the claim if it is still ours.</summary>
    public async Task ReleaseAsync()
    {
        await StopAsync();
        await RedisLock.ReleaseAsync(_db, _key, _token);
    }

    /// <summary>Stops renewing: the reply is remembered, so the claim may run out.</summary>
    public ValueTask DisposeAsync() => StopAsync();
}
