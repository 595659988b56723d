using StackExchange.Redis;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// This request's claim on a provider message id. The claim lives only <see cref="RedisConversationStore.ClaimTime"/>
/// and is renewed while the request runs (a timer, so a fast request costs no round trip), so that a
/// claim left by a process that died runs out within seconds and Twilio's retry or fallback post can
/// take the message over. Disposing stops the renewal; <see cref="ReleaseAsync"/> also deletes the
/// claim, so that a retry of a message whose handling failed runs at once.
/// </summary>
public sealed class MessageLease : IAsyncDisposable
{
    private readonly IDatabase _db;
    private readonly RedisKey _key;
    private readonly string _token;
    private readonly TimeSpan _time;
    private readonly ITimer _timer;
    private int _stopped;

    /// <summary>The claim's key and this request's token in it (the commit deletes the claim with the reply saved).</summary>
    internal RedisKey Key => _key;

    internal string Token => _token;

    internal MessageLease(IDatabase db, RedisKey key, string token, TimeSpan time, TimeProvider clock)
    {
        (_db, _key, _token, _time) = (db, key, token, time);
        var every = time / 3;
        _timer = clock.CreateTimer(_ => _ = RenewAsync(), null, every, every);
    }

    private async Task RenewAsync()
    {
        if (Volatile.Read(ref _stopped) == 1)
        {
            return;
        }
        try
        {
            if (!await RedisLock.ExtendAsync(_db, _key, _token, _time))
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
