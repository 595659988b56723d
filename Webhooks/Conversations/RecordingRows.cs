using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// The voice_recordings row of a spoken comment, whichever arrives first: the Record action (which
/// links it to the feedback) or the recording callback (which says it is ready). Keyed by RecordingSid.
/// </summary>
public static class RecordingRows
{
    /// <summary>Longest audio URL kept (the column's size); Twilio's are about 150 characters. The binders check the rest (TwilioFormats.IsApiUrl).</summary>
    public const int MaxUrlLength = 512;

    /// <summary>Known from the conversation; <paramref name="ready"/> when it can be fetched at once (WhatsApp media).</summary>
    public static Task<int> UpsertAsync(FeedbackDbContext db, string providerSid, string url, string contentType, string source, bool ready, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO voice_recordings (provider_sid, source_url, status, attempts, content_type, size_bytes, source, created_at)
            VALUES ({providerSid}, {url}, {(ready ? RecordingStatus.Pending : RecordingStatus.Awaiting)}, 0, {contentType}, 0, {source}, {now})
            ON CONFLICT (provider_sid) DO NOTHING
            """,
            cancellationToken);

    public static Task<int> MarkReadyAsync(FeedbackDbContext db, string providerSid, string url, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO voice_recordings (provider_sid, source_url, status, attempts, content_type, size_bytes, source, created_at)
            VALUES ({providerSid}, {url}, {RecordingStatus.Pending}, 0, 'audio/wav', 0, 'call', {now})
            ON CONFLICT (provider_sid) DO UPDATE SET status = {RecordingStatus.Pending}, source_url = EXCLUDED.source_url
            WHERE voice_recordings.status = {RecordingStatus.Awaiting}
            """,
            cancellationToken);

    public static Task<int> MarkFailedAsync(FeedbackDbContext db, string providerSid, string error, CancellationToken cancellationToken) =>
        db.VoiceRecordings.Where(r => r.ProviderSid == providerSid && r.Status == RecordingStatus.Awaiting)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RecordingStatus.Failed).SetProperty(r => r.LastError, error), cancellationToken);
}
