using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Webhooks.Patients;
using StackExchange.Redis;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Voice;
using TwilioFeedback.Webhooks.Sms;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>
/// Signed webhooks that PostgreSQL's absence would lose, held in Redis (the form as it came, encrypted
/// like the columns it is bound for) and replayed through the same handler when PostgreSQL is back:
/// <list type="bullet">
/// <item>status callbacks — Twilio sends one once and does not resend it after a 503, so it is answered 200;</item>
/// <item>a message from a number never seen (no copy of the patient to go on with) — the patient still
/// gets the polite "try again", and the message is not lost: replayed later, it creates the patient and
/// moves the conversation on (its reply is not sent afterwards: the patient was told to write again).</item>
/// </list>
/// Holding the same webhook twice keeps one; replays go through the idempotent handlers, so a replay
/// changes nothing twice.
/// </summary>
public sealed partial class HeldWebhooks(IConnectionMultiplexer redis, RedisKeys keys, DataCipher cipher, TimeProvider clock, ILogger<HeldWebhooks> logger)
{
    public const string Message = "message";
    public const string Call = "call";
    public const string IncomingMessage = "sms";

    private const string HoldScript =
        "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) return 1 end return 0";

    /// <summary>The callbacks that can be held, and how each is replayed: the handler the endpoint runs.</summary>
    private static readonly Dictionary<string, Func<HttpContext, CancellationToken, Task>> Replays = new()
    {
        [Message] = async (context, cancellationToken) => await MessageStatusEndpoints.HandleAsync(
            await MessageStatusCallback.BindAsync(context), Service<ProviderEvents>(context), Service<ReminderTransitions>(context), cancellationToken),
        [Call] = async (context, cancellationToken) => await VoiceEndpoints.CallStatusAsync(
            await CallStatusCallback.BindAsync(context), Service<ProviderEvents>(context), Service<ReminderTransitions>(context), context.Request,
            new CallMeBack(Service<IOptions<CallBackOptions>>(context), Service<IOptions<ReminderOptions>>(context), Service<CallBackRequests>(context),
                Service<Coravel.Queuing.Interfaces.IQueue>(context), Service<PatientRateLimiter>(context)), cancellationToken),
        [IncomingMessage] = async (context, cancellationToken) => await SmsEndpoints.HandleAsync(
            await Twilio.IncomingMessage.BindAsync(context), Service<ConversationRunner>(context), Service<PatientTexts>(context), cancellationToken),
    };

    private static T Service<T>(HttpContext context) where T : notnull => context.RequestServices.GetRequiredService<T>();

    /// <summary>Holds a signed callback's form; the id names the callback and its status, so a repeat is held once.</summary>
    public async Task HoldAsync(string kind, IFormCollection form)
    {
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var sid = fields.GetValueOrDefault(kind == Call ? "CallSid" : "MessageSid", "");
        var status = fields.GetValueOrDefault(kind switch { Message => "MessageStatus", Call => "CallStatus", _ => "" }, "");
        var id = $"{kind}:{sid}:{status}";
        var held = new HeldWebhook(kind, fields, clock.GetUtcNow());
        await redis.GetDatabase().ScriptEvaluateAsync(HoldScript, [keys.HeldWebhooks, keys.HeldWebhookOrder],
            [id, cipher.Protect(JsonSerializer.Serialize(held, HeldWebhookJson.Default.HeldWebhook)), clock.GetUtcNow().ToUnixTimeMilliseconds()]);
        LogHeld(logger, kind, sid, status);
    }

    /// <summary>Replays everything held, oldest first; returns how many. Throws while PostgreSQL is still down (the item stays).</summary>
    public async Task<int> DrainAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        if (await db.SortedSetLengthAsync(keys.HeldWebhookOrder) == 0)
        {
            return 0;
        }
        var token = RedisLock.NewToken();
        if (!await RedisLock.TakeAsync(db, keys.HeldWebhookLock, token, TimeSpan.FromMinutes(1)))
        {
            return 0;
        }
        var replayed = 0;
        try
        {
            while (await db.SortedSetRangeByRankAsync(keys.HeldWebhookOrder, 0, 99) is { Length: > 0 } ids)
            {
                foreach (var id in ids)
                {
                    if (!await RedisLock.ExtendAsync(db, keys.HeldWebhookLock, token, TimeSpan.FromMinutes(1)))
                    {
                        return replayed;
                    }
                    var json = await db.HashGetAsync(keys.HeldWebhooks, id);
                    if (!json.IsNullOrEmpty)
                    {
                        await ReplayAsync(scopes, id!, json!, cancellationToken);
                    }
                    await db.SortedSetRemoveAsync(keys.HeldWebhookOrder, id);
                    await db.HashDeleteAsync(keys.HeldWebhooks, id);
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
            await RedisLock.ReleaseAsync(db, keys.HeldWebhookLock, token);
        }
    }

    private async Task ReplayAsync(IServiceScopeFactory scopes, string id, string json, CancellationToken cancellationToken)
    {
        try
        {
            var held = JsonSerializer.Deserialize(cipher.Unprotect(json), HeldWebhookJson.Default.HeldWebhook) ?? throw new JsonException("Empty held webhook.");
            await using var scope = scopes.CreateAsyncScope();
            var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            context.Request.ContentType = "application/x-www-form-urlencoded";
            context.Request.Form = new FormCollection(held.Form.ToDictionary(f => f.Key, f => new StringValues(f.Value), StringComparer.Ordinal));
            await Replays[held.Kind](context, cancellationToken);
        }
        catch (Exception exception) when (!Outage.IsAny(exception) && exception is not OperationCanceledException)
        {
            // One bad item never blocks the others: it is logged (never its form) and dropped.
            // The id of a message names no one, but the exception of a handler may quote the form: only its type is logged.
            LogDropped(logger, id.Split(':', 2)[0], exception.GetType().Name);
        }
    }

    /// <summary>
    /// For a webhook endpoint (after the signature filter): a PostgreSQL outage that reaches the endpoint
    /// holds the signed form. A status callback is then answered 200 (instead of a 503 Twilio would not
    /// resend); a message still gets the outage handler's polite answer in the patient's channel.
    /// </summary>
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
                await http.RequestServices.GetRequiredService<HeldWebhooks>().HoldAsync(kind, await http.Request.ReadFormAsync(http.RequestAborted));
                if (kind == IncomingMessage)
                {
                    throw; // the outage handler answers the patient, as for any message it cannot take now
                }
                return kind == Message ? new TwiMLResult(new MessagingResponse()) : new TwiMLResult(new VoiceResponse());
            }
        });
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "PostgreSQL unreachable: {Kind} webhook {Sid} {Status} held in Redis")]
    private static partial void LogHeld(ILogger logger, string kind, string sid, string status);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "{Count} held webhook(s) replayed")]
    private static partial void LogReplayed(ILogger logger, int count);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "Held webhook {Kind} could not be replayed: dropped ({Error})")]
    private static partial void LogDropped(ILogger logger, string kind, string error);
}

/// <summary>A webhook held while PostgreSQL was down: which handler, its form, when it came.</summary>
public sealed record HeldWebhook(string Kind, Dictionary<string, string> Form, DateTimeOffset ReceivedAt);

[System.Text.Json.Serialization.JsonSerializable(typeof(HeldWebhook))]
internal sealed partial class HeldWebhookJson : System.Text.Json.Serialization.JsonSerializerContext;
