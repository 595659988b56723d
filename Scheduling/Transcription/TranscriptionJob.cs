using System.Security.Cryptography;
using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Scheduling.Transcription;

/// <summary>
/// Transcribes each stored spoken comment once: claims the row (a lease, so instances share the work
/// and a crashed run's claim expires), decrypts the audio in memory only, sends it, stores the
/// transcript encrypted and marks the feedback for analysis again, so an alarming transcript
/// escalates as a typed comment does. A failure waits for the next run with backoff, until
/// <c>Transcription:MaxAttempts</c>, then the reason is stored; one item never blocks the others.
/// </summary>
public sealed partial class TranscriptionJob(
    FeedbackDbContext db,
    ITranscriber transcriber,
    DataCipher cipher,
    TimeProvider clock,
    IOptions<TranscriptionOptions> options,
    SchedulingMetrics metrics,
    ILogger<TranscriptionJob> logger) : IInvocable
{
    /// <summary>How long a claim holds before another run may take the item again.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(30);

    public async Task Invoke()
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return; // Off: no patient audio leaves the server.
        }
        var now = clock.GetUtcNow();
        var due = await db.Feedbacks.AsNoTracking()
            .Where(f => f.VoiceRecordingId != null && f.VoiceRecording!.Status == RecordingStatus.Stored && f.TranscriptConfirmedAt == null
                && (f.TranscriptStatus == null
                    || ((f.TranscriptStatus == TranscriptStates.Retrying || f.TranscriptStatus == TranscriptStates.Transcribing) && f.TranscriptNextAttemptAt <= now)))
            .OrderBy(f => f.Id).Select(f => f.Id).Take(settings.MaxItemsPerRun).ToListAsync();
        var (done, failed) = (0, 0);
        foreach (var id in due)
        {
            try
            {
                if (await TranscribeAsync(id, now))
                {
                    done++;
                }
                else
                {
                    failed++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Audio that will not decrypt, a database hiccup: this item only, counted against its attempts.
                failed++;
                LogSetAside(logger, id, e);
                try
                {
                    var attempts = await db.Feedbacks.Where(f => f.Id == id).Select(f => f.TranscriptAttempts).FirstOrDefaultAsync();
                    await NotTranscribedAsync(id, attempts, $"Could not be prepared or stored ({e.GetType().Name}).", e is CryptographicException, now);
                }
                catch (Exception again) when (again is not OperationCanceledException)
                {
                    LogSetAside(logger, id, again); // its claim expires and a later run takes it again
                }
            }
        }
        if (done + failed > 0)
        {
            LogRun(logger, done, failed);
        }
    }

    private async Task<bool> TranscribeAsync(long id, DateTimeOffset now)
    {
        var claimed = await db.Feedbacks
            .Where(f => f.Id == id && f.TranscriptConfirmedAt == null
                && (f.TranscriptStatus == null || f.TranscriptStatus == TranscriptStates.Retrying || f.TranscriptStatus == TranscriptStates.Transcribing)
                && (f.TranscriptNextAttemptAt == null || f.TranscriptNextAttemptAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.TranscriptStatus, TranscriptStates.Transcribing)
                .SetProperty(f => f.TranscriptAttempts, f => f.TranscriptAttempts + 1)
                .SetProperty(f => f.TranscriptNextAttemptAt, now + Lease));
        if (claimed == 0)
        {
            return true; // another run has it
        }
        var item = await db.Feedbacks.AsNoTracking().Where(f => f.Id == id)
            .Select(f => new { f.Language, f.TranscriptAttempts, f.VoiceRecording!.Data, f.VoiceRecording.KeyId, f.VoiceRecording.ContentType })
            .SingleAsync();
        if (!options.Value.Languages.Contains(item.Language))
        {
            await db.Feedbacks.Where(f => f.Id == id).ExecuteUpdateAsync(s => s.SetProperty(f => f.TranscriptStatus, TranscriptStates.NotSent)
                .SetProperty(f => f.TranscriptError, $"Spoken in '{item.Language}', which is not in Transcription:Languages: for a person to transcribe."));
            return true;
        }
        var audio = cipher.Decrypt(item.KeyId, item.Data);
        TranscriptionResult result;
        try
        {
            result = await transcriber.TranscribeAsync(audio, item.ContentType, item.Language, CancellationToken.None);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(audio); // in memory only, and not for longer than needed
        }
        var attempts = item.TranscriptAttempts;
        if (result.Succeeded)
        {
            // Set through the tracked entity so the transcript goes through the column's encryption.
            var feedback = await db.Feedbacks.SingleAsync(f => f.Id == id);
            if (feedback.TranscriptConfirmedAt is not null)
            {
                return true; // a person wrote the transcript meanwhile: theirs stays
            }
            feedback.Transcript = result.Text!.Length == 0 ? null : result.Text;
            feedback.TranscriptBy = transcriber.Name;
            feedback.TranscriptStatus = TranscriptStates.Done;
            feedback.TranscriptNextAttemptAt = null;
            feedback.TranscriptError = null;
            feedback.Processed = false; // analysed again, now with its words
            await db.SaveChangesAsync();
            LogTranscribed(logger, id, attempts);
            return true;
        }
        await NotTranscribedAsync(id, attempts, result.Error!, result.Permanent, now);
        return false;
    }

    /// <summary>Waits for a later run (backoff from a minute, doubling, at most an hour), or gives up with the reason.</summary>
    private async Task NotTranscribedAsync(long id, int attempts, string error, bool permanent, DateTimeOffset now)
    {
        var givenUp = permanent || attempts >= options.Value.MaxAttempts;
        var next = now + TimeSpan.FromSeconds(Math.Min(3600, 60 * Math.Pow(2, attempts - 1)));
        var reason = error.Length > 400 ? error[..400] : error;
        await db.Feedbacks.Where(f => f.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.TranscriptStatus, givenUp ? TranscriptStates.Failed : TranscriptStates.Retrying)
            .SetProperty(f => f.TranscriptNextAttemptAt, givenUp ? null : next)
            .SetProperty(f => f.TranscriptError, givenUp ? $"Given up after {attempts} attempt(s): {reason}" : reason));
        metrics.ProviderError("transcription", givenUp ? "permanent" : "transient");
        LogNotTranscribed(logger, id, attempts, givenUp, reason);
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Spoken comment of feedback {FeedbackId} transcribed (attempt {Attempt})")]
    private static partial void LogTranscribed(ILogger logger, long feedbackId, int attempt);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Spoken comment of feedback {FeedbackId} not transcribed (attempt {Attempt}, given up: {GivenUp}): {Error}")]
    private static partial void LogNotTranscribed(ILogger logger, long feedbackId, int attempt, bool givenUp, string error);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Error, Message = "Spoken comment of feedback {FeedbackId} could not be transcribed and is set aside for this run")]
    private static partial void LogSetAside(ILogger logger, long feedbackId, Exception exception);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Information, Message = "Transcribed {Transcribed} spoken comments; {NotYet} not (yet)")]
    private static partial void LogRun(ILogger logger, int transcribed, int notYet);
}
