using System.Collections.Concurrent;
using StackExchange.Redis;
using TwilioFeedback.Webhooks.Conversations;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>
/// When each channel's webhook last arrived with a signature (or USSD secret) that checked out, and
/// with one that did not: kept in memory per instance and in one Redis hash for all instances,
/// written at most once a second per channel and outcome, fire-and-forget (the SMS turn is benchmarked).
/// </summary>
public sealed partial class WebhookSightings(IConnectionMultiplexer redis, RedisKeys keys, TimeProvider clock, ILogger<WebhookSightings> logger)
{
    /// <summary>The channels shown, in order (the <c>channel</c> labels of the webhook metrics).</summary>
    public static readonly IReadOnlyList<string> Channels = ["sms", "whatsapp", "voice", "ussd", "status"];

    /// <summary>Bad signatures seen this recently raise the dashboard's warning.</summary>
    public static readonly TimeSpan WarnFor = TimeSpan.FromHours(24);

    private static readonly long WriteEveryMs = 1000;

    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, long> _written = new(StringComparer.Ordinal);

    // The hash fields of the known channels, made once (every webhook passes here).
    private static readonly Dictionary<string, (string Ok, string Bad)> Fields =
        Channels.ToDictionary(c => c, c => (c + ":ok", c + ":bad"), StringComparer.Ordinal);

    public void Seen(string channel, bool signatureValid)
    {
        var field = Fields.TryGetValue(channel, out var known)
            ? signatureValid ? known.Ok : known.Bad
            : channel + (signatureValid ? ":ok" : ":bad");
        var at = clock.GetUtcNow().ToUnixTimeMilliseconds();
        _seen[field] = at;
        var tick = Environment.TickCount64;
        if (_written.TryGetValue(field, out var last) && tick - last < WriteEveryMs)
        {
            return;
        }
        _written[field] = tick;
        try
        {
            _ = redis.GetDatabase().HashSetAsync(keys.WebhookSightings, field, at, flags: CommandFlags.FireAndForget);
        }
        catch (RedisException exception)
        {
            LogNotRecorded(logger, exception.GetType().Name);
        }
    }

    /// <summary>Every channel's sightings, the latest of this instance's and all instances' (Redis).</summary>
    public async Task<WebhookSightingsReport> ReadAsync()
    {
        var times = new Dictionary<string, long>(_seen, StringComparer.Ordinal);
        try
        {
            foreach (var entry in await redis.GetDatabase().HashGetAllAsync(keys.WebhookSightings))
            {
                if (entry.Value.TryParse(out long at) && (!times.TryGetValue(entry.Name!, out var mine) || at > mine))
                {
                    times[entry.Name!] = at;
                }
            }
        }
        catch (RedisException exception)
        {
            LogNotRecorded(logger, exception.GetType().Name); // this instance's own sightings are still shown
        }
        DateTimeOffset? Time(string field) => times.TryGetValue(field, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        var now = clock.GetUtcNow();
        var channels = Channels.Select(channel =>
        {
            var ok = Time(channel + ":ok");
            var bad = Time(channel + ":bad");
            var last = ok is null && bad is null ? (DateTimeOffset?)null : (ok ?? DateTimeOffset.MinValue) >= (bad ?? DateTimeOffset.MinValue) ? ok : bad;
            return new WebhookSighting(channel, last, last is null ? null : last == ok, ok, bad, bad is { } b && now - b <= WarnFor);
        }).ToList();
        return new WebhookSightingsReport(now, channels, channels.Any(c => c.BadSignatureRecently));
    }

    [LoggerMessage(EventId = 6103, Level = LogLevel.Debug, Message = "Webhook sighting not shared through Redis ({Error})")]
    private static partial void LogNotRecorded(ILogger logger, string error);
}

/// <summary>One channel: the last webhook seen, whether its signature checked out, and the last good and bad ones.</summary>
public sealed record WebhookSighting(string Channel, DateTimeOffset? LastSeenAt, bool? LastSignatureValid, DateTimeOffset? LastValidAt, DateTimeOffset? LastRejectedAt, bool BadSignatureRecently);

/// <summary>Every channel's sightings, and whether bad signatures arrived in the last 24 hours.</summary>
public sealed record WebhookSightingsReport(DateTimeOffset GeneratedAt, IReadOnlyList<WebhookSighting> Channels, bool BadSignatureWarning);
