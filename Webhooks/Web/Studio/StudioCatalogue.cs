using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>
/// What the studio serves, in memory on every instance: the approved texts, the words answers are read
/// with (built once per load), the languages live per channel with their fallbacks, and the preview numbers. A change bumps a Redis counter; every
/// instance checks it every <see cref="CheckEvery"/> and reloads from PostgreSQL when it moved.
/// </summary>
public sealed partial class StudioCatalogue(
    IServiceScopeFactory scopes, IConnectionMultiplexer redis, RedisKeys keys, PhoneHasher hasher, TimeProvider clock, ILogger<StudioCatalogue> logger) : ITextCatalogue
{
    /// <summary>How often the version is checked: a change is served everywhere within about this, well inside 5 s.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    /// <summary>Without Redis, PostgreSQL is read this often instead.</summary>
    private static readonly TimeSpan ReloadWithoutRedis = TimeSpan.FromSeconds(30);

    private volatile Snapshot _snapshot = Snapshot.Empty;
    private readonly SemaphoreSlim _loading = new(1, 1);

    private sealed record Snapshot(
        FrozenDictionary<(Language, string), string> Texts,
        AnswerWords Words,
        LanguageOffer Offer,
        FrozenSet<string> PreviewHashes,
        long? Version,
        DateTimeOffset LoadedAt)
    {
        public static Snapshot Empty { get; } = new(
            FrozenDictionary<(Language, string), string>.Empty, AnswerWords.BuiltIn, BuiltInOffer([]), FrozenSet<string>.Empty, null, DateTimeOffset.MinValue);
    }

    public string? Approved(string key, Language language) => _snapshot.Texts.GetValueOrDefault((language, key));

    /// <summary>The languages offered to <paramref name="from"/>: every language for a preview number, else those live.</summary>
    public LanguageOffer OfferFor(string from)
    {
        var snapshot = _snapshot;
        return snapshot.PreviewHashes.Count > 0 && snapshot.PreviewHashes.Contains(HashOf(from))
            ? snapshot.Offer.WithEverythingLive()
            : snapshot.Offer;
    }

    /// <summary>The words patients' answers are read with: approved studio lists over the built-in ones, rebuilt only when the studio changes.</summary>
    public AnswerWords Words => _snapshot.Words;

    /// <summary>
    /// The language a message written for <paramref name="wanted"/> goes out in on <paramref name="channels"/> (reminders: the
    /// first that works is used, so the language must be live on each): <paramref name="wanted"/>, else its fallback, as conversations answer.
    /// </summary>
    public Language ServeOnAll(Language wanted, IEnumerable<Channel> channels)
    {
        var offer = _snapshot.Offer;
        var all = channels.ToList();
        bool LiveOnAll(Language language) => all.TrueForAll(c => offer.On(c).Contains(language));
        if (LiveOnAll(wanted))
        {
            return wanted;
        }
        var fallback = offer.Fallbacks.TryGetValue(wanted, out var configured) ? configured : Language.French;
        return LiveOnAll(fallback) ? fallback : Language.French;
    }

    /// <summary>The live offer, whoever asks.</summary>
    public LanguageOffer Offer => _snapshot.Offer;

    /// <summary>The keyed hash a preview number is stored and found by (hex).</summary>
    public string HashOf(string phone) => Convert.ToHexStringLower(hasher.Hash(PatientDirectory.Normalize(phone)));

    /// <summary>After a change here: tell the other instances, and serve it here at once.</summary>
    public async Task ChangedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().StringIncrementAsync(keys.StudioVersion);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogVersionNotBumped(logger, exception.GetType().Name);
        }
        await ReloadAsync(force: true, cancellationToken);
    }

    /// <summary>Reloads when the version moved (or was never loaded, or Redis is away and the copy is old).</summary>
    public async Task ReloadAsync(bool force, CancellationToken cancellationToken)
    {
        long? version;
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(keys.StudioVersion);
            version = value.HasValue ? (long)value : 0;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            version = null;
        }
        var current = _snapshot;
        var now = clock.GetUtcNow();
        var stale = current.LoadedAt == DateTimeOffset.MinValue
            || (version is null && now - current.LoadedAt >= ReloadWithoutRedis)
            || (version is not null && version != current.Version);
        if (!force && !stale)
        {
            return;
        }
        await _loading.WaitAsync(cancellationToken);
        try
        {
            _snapshot = await LoadAsync(version, cancellationToken);
        }
        catch (Exception exception) when (Edge.Outage.IsDatabase(exception) || exception is InvalidOperationException or Npgsql.PostgresException)
        {
            // PostgreSQL away (or not migrated yet): patients keep what was last loaded; the next check tries again.
            LogNotLoaded(logger, exception.GetType().Name);
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<Snapshot> LoadAsync(long? version, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        // The latest approved version of each item serves (drafts written since wait for their review).
        var approved = await db.StudioTexts.AsNoTracking()
            .Where(t => t.Status == StudioTextStatus.Approved)
            .OrderBy(t => t.ApprovedAt).ThenBy(t => t.Id)
            .Select(t => new { t.Language, t.Key, t.Text })
            .ToListAsync(cancellationToken);
        var texts = new Dictionary<(Language, string), string>();
        foreach (var row in approved)
        {
            if (Languages.FromCode(row.Language) is { } language)
            {
                texts[(language, row.Key)] = row.Text;
            }
        }
        var settings = await db.StudioLanguages.AsNoTracking().ToListAsync(cancellationToken);
        var previews = await db.PreviewNumbers.AsNoTracking().Select(p => p.PhoneHash).ToListAsync(cancellationToken);
        return new Snapshot(
            texts.ToFrozenDictionary(),
            AnswerWords.With((key, language) => texts.GetValueOrDefault((language, key))),
            BuiltInOffer(settings),
            previews.Select(Convert.ToHexStringLower).ToFrozenSet(),
            version,
            clock.GetUtcNow());
    }

    /// <summary>English and French everywhere; another language where an admin set it live; fallbacks as set (French by default).</summary>
    internal static LanguageOffer BuiltInOffer(IReadOnlyList<StudioLanguage> settings)
    {
        var live = new Dictionary<Channel, IReadOnlyList<Language>>();
        foreach (var channel in Enum.GetValues<Channel>())
        {
            var name = StudioChannels.Of(channel);
            live[channel] = [.. Languages.All.Where(l => LanguageOffer.AlwaysLive.Contains(l)
                || settings.Any(s => s.Language == l.Code() && s.LiveChannels.Contains(name)))];
        }
        var fallbacks = new Dictionary<Language, Language>();
        foreach (var setting in settings)
        {
            if (Languages.FromCode(setting.Language) is { } language && Languages.FromCode(setting.Fallback) is { } fallback)
            {
                fallbacks[language] = fallback;
            }
        }
        return new LanguageOffer(live, fallbacks);
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Studio: texts not reloaded ({Error}); the last ones loaded keep serving")]
    private static partial void LogNotLoaded(ILogger logger, string error);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Studio: the version counter was not bumped ({Error}); other instances see the change within 30 s")]
    private static partial void LogVersionNotBumped(ILogger logger, string error);
}
