using System.Text.Json;
using Microsoft.Extensions.Primitives;
using StackExchange.Redis;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Voice;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>
/// Twilio sends a status callback once and does not retry it, so a callback that arrives while
/// PostgreSQL is down is held in Redis (its signed form, as it came) and answered 200; the drainer
/// replays it through the same handler when PostgreSQL is back. Holding the same callback twice keeps
/// one; the handlers move a reminder forward only, so a replay changes nothing twice.
/// </summary>
public sealed partial class HeldCallbacks(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider clock, ILogger<HeldCallbacks> logger)
{
    public const string Message = "message";
    public const string Call = "call";

    private const string HoldScript =
        "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) return 1 end return 0";

    /// <summary>The callbacks that can be held, and how each is replayed: the handler the endpoint runs.</summary>
    private static readonly Dictionary<string, Func<HttpContext, CancellationToken, Task>> Replays = new()
    {
        [Message] = async (context, cancellationToken) => await MessageStatusEndpoints.HandleAsync(
            await MessageStatusCallback.BindAsync(context), Service<ProviderEvents>(context), Service<ReminderTransitions>(context), cancellationToken),
        [Call] = async (context, cancellationToken) => await VoiceEndpoints.CallStatusAsync(
            await CallStatusCallback.BindAsync(context), Service<ProviderEvents>(context), Service<ReminderTransitions>(context), cancellationToken),
    };

    private static T Service<T>(HttpContext context) where T : notnull => context.RequestServices.GetRequiredService<T>();

    /// <summary>Holds a signed callback's form; the id names the callback and its status, so a repeat is held once.</summary>
    public async Task HoldAsync(string kind, IFormCollection form)
    {
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var sid = fields.GetValueOrDefault(kind == Message ? "MessageSid" : "CallSid", "");
        var status = fields.GetValueOrDefault(kind == Message ? "MessageStatus" : "CallStatus", "");
        var id = $"{kind}:{sid}:{status}";
        var held = new HeldCallback(kind, fields, clock.GetUtcNow());
        await redis.GetDatabase().ScriptEvaluateAsync(HoldScript, [keys.HeldCallbacks, keys.HeldCallbackOrder],
            [id, JsonSerializer.Serialize(held, HeldCallbackJson.Default.HeldCallback), clock.GetUtcNow().ToUnixTimeMilliseconds()]);
        LogHeld(logger, kind, sid, status);
    }

    /// <summary>Replays everything held, oldest first; returns how many. Throws while PostgreSQL is still down (the item stays).</summary>
    public async Task<int> DrainAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        if (await db.SortedSetLengthAsync(keys.HeldCallbackOrder) == 0)
        {
            return 0;
        }
        var token = RedisLock.NewToken();
        if (!await RedisLock.TakeAsync(db, keys.HeldCallbackLock, token, TimeSpan.FromMinutes(1)))
        {
            return 0;
        }
        var replayed = 0;
        try
        {
            while (await db.SortedSetRangeByRankAsync(keys.HeldCallbackOrder, 0, 99) is { Length: > 0 } ids)
            {
                foreach (var id in ids)
                {
                    if (!await RedisLock.ExtendAsync(db, keys.HeldCallbackLock, token, TimeSpan.FromMinutes(1)))
                    {
                        return replayed;
                    }
                    var json = await db.HashGetAsync(keys.HeldCallbacks, id);
                    if (!json.IsNullOrEmpty)
                    {
                        await ReplayAsync(scopes, id!, json!, cancellationToken);
                    }
                    await db.SortedSetRemoveAsync(keys.HeldCallbackOrder, id);
                    await db.HashDeleteAsync(keys.HeldCallbacks, id);
                    replayed++;
                }
            }
            if (replayed > 0)
            {
                LogReplayed(logger, replayed);
            }
            return replayed;
        }
        finally
        {
            await RedisLock.ReleaseAsync(db, keys.HeldCallbackLock, token);
        }
    }

    private async Task ReplayAsync(IServiceScopeFactory scopes, string id, string json, CancellationToken cancellationToken)
    {
        try
        {
            var held = JsonSerializer.Deserialize(json, HeldCallbackJson.Default.HeldCallback) ?? throw new JsonException("Empty held callback.");
            await using var scope = scopes.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Request.ContentType = "application/x-www-form-urlencoded";
            context.Request.Form = new FormCollection(held.Form.ToDictionary(f => f.Key, f => new StringValues(f.Value), StringComparer.Ordinal));
            await Replays[held.Kind](context, cancellationToken);
        }
        catch (Exception exception) when (!Outage.IsAny(exception) && exception is not OperationCanceledException)
        {
            // One bad item never blocks the others: it is logged and dropped (the form carries no patient data).
            LogDropped(logger, id, exception);
        }
    }

    /// <summary>For a callback endpoint: a PostgreSQL outage holds the (signed) callback and answers 200 instead of a 503 Twilio would not retry.</summary>
    public static RouteHandlerBuilder HeldWhileDatabaseDown(RouteHandlerBuilder endpoint, string kind)
    {
        if (!Replays.ContainsKey(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "No replay for this callback.");
        }
        return endpoint.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception exception) when (Outage.IsDatabase(exception) && context.HttpContext.Request.HasFormContentType)
            {
                var http = context.HttpContext;
                await http.RequestServices.GetRequiredService<HeldCallbacks>().HoldAsync(kind, await http.Request.ReadFormAsync(http.RequestAborted));
                return kind == Message ? new TwiMLResult(new MessagingResponse()) : new TwiMLResult(new VoiceResponse());
            }
        });
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "PostgreSQL unreachable: {Kind} status callback {Sid} ({Status}) held in Redis")]
    private static partial void LogHeld(ILogger logger, string kind, string sid, string status);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "{Count} held status callback(s) replayed")]
    private static partial void LogReplayed(ILogger logger, int count);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "Held status callback {Id} could not be replayed: dropped")]
    private static partial void LogDropped(ILogger logger, string id, Exception exception);
}

/// <summary>A status callback held while PostgreSQL was down: which handler, its form, when it came.</summary>
public sealed record HeldCallback(string Kind, Dictionary<string, string> Form, DateTimeOffset ReceivedAt);

[System.Text.Json.Serialization.JsonSerializable(typeof(HeldCallback))]
internal sealed partial class HeldCallbackJson : System.Text.Json.Serialization.JsonSerializerContext;
