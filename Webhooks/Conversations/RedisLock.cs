using StackExchange.Redis;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// The one lock style of the server: <c>SET key token NX PX</c> to take, a script that extends or
/// deletes the key only while it still holds our token. (StackExchange.Redis' LockExtend/LockRelease
/// are WATCH/MULTI transactions whose condition holds the connection's writer while it waits,
/// stalling every other request on the multiplexer.)
/// </summary>
public static class RedisLock
{
    private const string UnlockScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private const string ExtendScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

    public static string NewToken() => Guid.NewGuid().ToString("N");

    public static Task<bool> TakeAsync(IDatabase db, RedisKey key, string token, TimeSpan expiry) =>
        db.StringSetAsync(key, token, expiry, When.NotExists);

    public static async Task<bool> ExtendAsync(IDatabase db, RedisKey key, string token, TimeSpan expiry) =>
        (long)(await db.ScriptEvaluateAsync(ExtendScript, [key], [token, (long)expiry.TotalMilliseconds])) == 1;

    public static Task ReleaseAsync(IDatabase db, RedisKey key, string token) =>
        db.ScriptEvaluateAsync(UnlockScript, [key], [token]);
}
