using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TwilioFeedback.Conversations;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Webhooks.Patients;


namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// Writes the effects <see cref="PendingEffects"/> held while PostgreSQL was down, oldest first, each
/// with the time it was received; one drainer at a time across instances (a Redis lock), so the order holds.
/// An item is removed only once written; one that PostgreSQL rejects for a reason other than an outage
/// is set aside (<c>pending:failed</c>) and logged rather than blocking the rest.
/// </summary>
public sealed partial class PendingEffectsDrainer(
    IServiceScopeFactory scopes,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<PendingEffectsOptions> options,
    DataCipher cipher,
    ILogger<PendingEffectsDrainer> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (Outage.IsAny(exception))
            {
                LogStillDown(logger, exception.GetType().Name);
            }
            catch (Exception exception)
            {
                // A background loop must never stop the host.
                LogFailed(logger, exception);
            }
            try
            {
                await Task.Delay(options.Value.DrainEvery, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Writes everything held; returns how many items it took off the queue. Throws while PostgreSQL is still down.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var order = keys.HeldOrder;
        var items = keys.HeldItems;
        if (await db.SortedSetLengthAsync(order) == 0)
        {
            return 0;
        }
        var lockKey = keys.DrainLock;
        var token = RedisLock.NewToken();
        if (!await RedisLock.TakeAsync(db, lockKey, token, TimeSpan.FromMinutes(1)))
        {
            return 0;
        }
        var written = 0;
        try
        {
            while (await db.SortedSetRangeByRankAsync(order, 0, Batch - 1) is { Length: > 0 } ids)
            {
                foreach (var id in ids)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Renewed before each item: a slow PostgreSQL must not let a second drainer start on the same queue.
                    if (!await RedisLock.ExtendAsync(db, lockKey, token, TimeSpan.FromMinutes(1)))
                    {
                        return written;
                    }
                    var json = await db.HashGetAsync(items, id);
                    if (!json.IsNullOrEmpty)
                    {
                        await WriteAsync(db, id!, json!, cancellationToken);
                    }
                    await db.SortedSetRemoveAsync(order, id);
                    await db.HashDeleteAsync(items, id);
                    written++;
                }
            }
            if (written > 0)
            {
                LogDrained(logger, written);
            }
            return written;
        }
        finally
        {
            await RedisLock.ReleaseAsync(db, lockKey, token);
        }
    }

    private async Task WriteAsync(IDatabase db, string id, string json, CancellationToken cancellationToken)
    {
        try
        {
            var held = JsonSerializer.Deserialize(cipher.Unprotect(json), PendingJson.Default.HeldEffects)
                ?? throw new JsonException("Empty held effects.");
            await using var scope = scopes.CreateAsyncScope();
            // The effects as they would have been applied when the message came: same time, same ids.
            var effects = ActivatorUtilities.CreateInstance<ConversationEffects>(scope.ServiceProvider, new FixedClock(held.ReceivedAt));
            await effects.ApplyAsync(
                new PatientRecord(held.PatientId, "", null, false, false),
                new Inbound(held.Channel, "", "", null, held.ProviderMessageId),
                [.. held.Effects.Select(e => e.ToEffect())],
                cancellationToken);
        }
        catch (Exception exception) when (!Outage.IsAny(exception) && exception is not OperationCanceledException)
        {
            await db.HashSetAsync(keys.HeldFailed, id, json);
            LogSetAside(logger, id, exception);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "{Count} held message(s) written to PostgreSQL")]
    private static partial void LogDrained(ILogger logger, int count);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Held effects wait: a store is still unreachable ({Error})")]
    private static partial void LogStillDown(ILogger logger, string error);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Held effects of message {MessageId} rejected by PostgreSQL: set aside in pending:failed")]
    private static partial void LogSetAside(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Error, Message = "Draining held effects failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
