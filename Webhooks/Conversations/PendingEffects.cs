using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// Applies a message's effects, or — while PostgreSQL is unreachable — holds them in Redis, keyed by
/// the provider's message id (MessageSid, CallSid:step, session:step), to be written in order by
/// <see cref="PendingEffectsDrainer"/> when it is back. Holding the same id twice keeps the first; the
/// effects themselves are idempotent, so a drain interrupted half-way and run again writes nothing twice.
/// While anything is held, newer effects queue behind it, so a comment never arrives before its rating.
/// </summary>
public sealed partial class PendingEffects(
    ConversationEffects effects,
    PatientCache patients,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    DataCipher cipher,
    TimeProvider clock,
    ILogger<PendingEffects> logger)
{
    // Only the first hold of an id counts: a retried message must not queue its effects twice.
    private const string HoldScript =
        "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1]) return 1 end return 0";

    /// <param name="heldBefore">Effects of earlier messages are held (the count read with the conversation's state).</param>
    /// <returns>Replay when the message is a replay of one whose state-changing effects were applied before: nothing changed.
    /// Held effects count as applied (a late answer to a closed visit then gets the usual reply).</returns>
    public async Task<EffectsApplied> ApplyAsync(PatientRecord patient, Inbound inbound, IReadOnlyList<Effect> outcome, bool heldBefore, CancellationToken cancellationToken)
    {
        if (outcome.Count == 0)
        {
            return EffectsApplied.Applied;
        }
        var applied = false;
        var result = EffectsApplied.Applied;
        if (!heldBefore)
        {
            try
            {
                result = await effects.ApplyAsync(patient, inbound, outcome, cancellationToken);
                if (result == EffectsApplied.Replay)
                {
                    LogReplayIgnored(logger, inbound.ProviderMessageId);
                    return result;
                }
                applied = true;
            }
            catch (Exception exception) when (Outage.IsDatabase(exception))
            {
                LogHeld(logger, inbound.ProviderMessageId, exception.GetType().Name);
            }
        }
        if (!applied)
        {
            await HoldAsync(new HeldEffects(patient.Id, inbound.Channel, inbound.ProviderMessageId, clock.GetUtcNow(), [.. outcome.Select(HeldEffect.From)]));
        }
        // The cached copy follows what the patient just changed (language, opt-out). After an answered
        // reminder, whether another one waits only PostgreSQL knows: the copy stays for outages but is
        // no longer trusted.
        if (outcome.Aggregate(patient, Changed) is var changed && changed != patient)
        {
            patients.Remember(inbound.From, changed, trusted: !outcome.Any(e => e is AnswerReminder));
        }
        return result;
    }

    private static PatientRecord Changed(PatientRecord patient, Effect effect) => effect switch
    {
        SetLanguage set => patient with { PreferredLanguage = set.Language },
        OptOut => patient with { OptedOut = true },
        OptIn => patient with { OptedOut = false },
        AnswerReminder => patient with { AwaitingConfirmation = false },
        _ => patient,
    };

    private async Task HoldAsync(HeldEffects held)
    {
        // Held effects carry comments: encrypted like the database columns they are bound for.
        var json = cipher.Protect(JsonSerializer.Serialize(held, PendingJson.Default.HeldEffects));
        // Ordered by a counter: the order in which they were held is the order they are written.
        await redis.GetDatabase().ScriptEvaluateAsync(HoldScript, [keys.HeldItems, keys.HeldOrder, keys.HeldSequence], [held.ProviderMessageId, json]);
    }

    /// <summary>
    /// Drops what is held (or was set aside by the drainer) for an erased patient, so that their comments
    /// are not written back after the erasure. Returns how many messages were dropped. Items are only
    /// there during or just after an outage, so decrypting each one is cheap.
    /// </summary>
    public async Task<int> ForgetPatientAsync(long patientId)
    {
        var db = redis.GetDatabase();
        var dropped = 0;
        foreach (var key in new[] { keys.HeldItems, keys.HeldFailed })
        {
            var ids = new List<RedisValue>();
            await foreach (var item in db.HashScanAsync(key))
            {
                if (HeldFor(item.Value) == patientId)
                {
                    ids.Add(item.Name);
                }
            }
            if (ids.Count > 0)
            {
                // The item first: a drainer that finds an id in the order but not its item writes nothing.
                await db.HashDeleteAsync(key, [.. ids]);
                await db.SortedSetRemoveAsync(keys.HeldOrder, [.. ids]);
                dropped += ids.Count;
            }
        }
        return dropped;
    }

    private long? HeldFor(RedisValue json)
    {
        try
        {
            return JsonSerializer.Deserialize(cipher.Unprotect(json!), PendingJson.Default.HeldEffects)?.PatientId;
        }
        catch (Exception exception) when (exception is JsonException or System.Security.Cryptography.CryptographicException or FormatException)
        {
            return null; // not ours to judge: the drainer sets it aside
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "PostgreSQL unreachable: effects of message {MessageId} held in Redis ({Error})")]
    private static partial void LogHeld(ILogger logger, string messageId, string error);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Message {MessageId} changed state before (processed_messages): replay ignored, nothing changed")]
    private static partial void LogReplayIgnored(ILogger logger, string messageId);
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HeldEffects))]
[JsonSerializable(typeof(PatientRecord))]
internal sealed partial class PendingJson : JsonSerializerContext;
