using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>Which voice prompts have an approved recording (key × language); a snapshot of the table at most 5 s old.</summary>
public sealed class PromptCatalog(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(5); // an approval made on another instance plays within 5 s
    private volatile Snapshot? _snapshot;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Language, string), bool> _missingReported = new();

    /// <summary>True the first time a missing recording is met by this server: worth one warning, not one per call.</summary>
    public bool FirstTimeMissing(Language language, string key) => _missingReported.TryAdd((language, key), true);

    private sealed record Snapshot(HashSet<(string Language, string Key)> Recorded, DateTimeOffset Taken);

    /// <summary>The keys a recording can be uploaded for: every spoken text.</summary>
    public static IReadOnlyList<string> Keys => MessageKeys.Voice;

    /// <summary>True when the prompt has an approved recording: drafts are never played.</summary>
    public async Task<bool> HasRecordingAsync(Language language, string key, CancellationToken cancellationToken) =>
        (await SnapshotAsync(cancellationToken)).Recorded.Contains((language.Code(), key));

    /// <summary>Every key × language, with an approved recording or missing one: what still needs a voice.</summary>
    public async Task<IReadOnlyList<(string Language, string Key, bool Recorded)>> ReportAsync(CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotAsync(cancellationToken);
        return [.. from key in Keys from language in Languages.All select (language.Code(), key, snapshot.Recorded.Contains((language.Code(), key)))];
    }

    public void Invalidate() => _snapshot = null;

    private async Task<Snapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_snapshot is { } current && now - current.Taken < Freshness)
        {
            return current;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        Snapshot snapshot;
        try
        {
            var rows = await db.PromptRecordings.AsNoTracking().Where(p => p.Status == PromptRecordingStatus.Approved).Select(p => new { p.Language, p.Key }).ToListAsync(cancellationToken);
            snapshot = new Snapshot([.. rows.Select(r => (r.Language, r.Key))], now);
        }
        catch (Exception exception) when (Edge.Outage.IsDatabase(exception))
        {
            // A call goes on while PostgreSQL is down: with the recordings last known, else spoken text.
            snapshot = (_snapshot ?? new Snapshot([], now)) with { Taken = now };
        }
        _snapshot = snapshot;
        return snapshot;
    }
}
