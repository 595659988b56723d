using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling.Email;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>Processes new feedback: sentiment, topics, <c>processed</c>; alerts staff once about alarming items.</summary>
public sealed partial class FeedbackAnalysisJob(
    FeedbackDbContext db,
    IFeedbackAnalyzer analyzer,
    DataCipher cipher,
    IEmailSender email,
    TimeProvider clock,
    IOptions<AnalysisOptions> options,
    IOptions<EmailOptions> emailOptions,
    SchedulingMetrics metrics,
    ILogger<FeedbackAnalysisJob> logger) : IInvocable
{
    public async Task Invoke()
    {
        var now = clock.GetUtcNow();
        var settled = now - options.Value.CommentGrace;
        var (batchSize, budget) = (options.Value.BatchSize, options.Value.MaxItemsPerRun);
        // Loops while there is work (bounded per run); reads past the last id so a row set aside is not read again this run.
        var after = 0L;
        var (done, failed) = (0, 0);
        while (done + failed < budget)
        {
            // Raw SQL, so that the comment comes still encrypted and one that will not decrypt fails alone.
            // A staff translation first (a local language read in French or English), then the typed words, then a transcript.
            var batch = await db.Database.SqlQuery<PendingFeedback>($"""
                SELECT id, rating, COALESCE(translation, content, transcript) AS content, language, escalated_at
                FROM feedbacks
                WHERE processed = false AND id > {after} AND (content IS NOT NULL OR voice_recording_id IS NOT NULL OR date_submitted <= {settled})
                ORDER BY id LIMIT {Math.Min(batchSize, budget - done - failed)}
                """).AsNoTracking().ToListAsync();
            if (batch.Count == 0)
            {
                break;
            }
            after = batch[^1].Id;
            var results = new List<(PendingFeedback Item, Analysis Analysis)>(batch.Count);
            foreach (var item in batch)
            {
                try
                {
                    var comment = item.Content is null ? null : cipher.Unprotect(item.Content);
                    results.Add((item, await analyzer.AnalyzeAsync(item.Rating, comment, item.Language, CancellationToken.None)));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed++;
                    LogSetAside(logger, item.Id, e);
                }
            }
            await SaveAsync(results);
            done += results.Count;
            foreach (var (item, analysis) in results.Where(r => (r.Item.Rating <= 2 || r.Analysis.Alarming) && r.Item.EscalatedAt is null))
            {
                await EscalateAsync(item.Id, item.Rating, analysis, now);
            }
        }
        if (done + failed > 0)
        {
            LogRun(logger, done, failed);
        }
    }

    /// <summary>A batch's results in one statement; a sentiment and topics staff reviewed in the inbox stay as they set them.</summary>
    private async Task SaveAsync(List<(PendingFeedback Item, Analysis Analysis)> results)
    {
        if (results.Count == 0)
        {
            return;
        }
        var ids = results.Select(r => r.Item.Id).ToArray();
        var sentiments = results.Select(r => r.Analysis.Sentiment).ToArray();
        var scores = results.Select(r => r.Analysis.Score).ToArray();
        var topics = results.Select(r => string.Join(',', r.Analysis.Topics)).ToArray();
        var languages = results.Select(r => r.Analysis.CommentLanguage).ToArray();
        var confidences = results.Select(r => r.Analysis.Confidence).ToArray();
        var disagreements = results.Select(r => r.Analysis.RatingDisagrees).ToArray();
        var alarms = results.Select(r => r.Analysis.Alarming).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE feedbacks AS f
            SET sentiment = CASE WHEN f.reviewed_at IS NULL THEN u.sentiment ELSE f.sentiment END, sentiment_score = u.score,
                topics = CASE WHEN f.reviewed_at IS NULL THEN string_to_array(u.topics, ',') ELSE f.topics END, comment_language = u.language,
                analysis_confidence = u.confidence, rating_disagrees = u.disagrees, alarming = u.alarming, processed = true
            FROM unnest({ids}::bigint[], {sentiments}::text[], {scores}::double precision[], {topics}::text[], {languages}::text[],
                    {confidences}::double precision[], {disagreements}::boolean[], {alarms}::boolean[])
                AS u(id, sentiment, score, topics, language, confidence, disagrees, alarming)
            WHERE f.id = u.id
            """);
    }

    private async Task EscalateAsync(long id, int rating, Analysis analysis, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(options.Value.AlertEmail))
        {
            return;
        }
        // Claimed first, so two runs never alert twice; released again if the email could not go.
        var claimed = await db.Feedbacks.Where(f => f.Id == id && f.EscalatedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.EscalatedAt, now));
        if (claimed == 0)
        {
            return;
        }
        var why = analysis.Alarming ? "alarming words in the comment" : $"a rating of {rating}/5";
        var link = $"{options.Value.LinkBase?.TrimEnd('/')}/api/v1/feedback/{id}";
        var body = $"Feedback {id} needs attention: {why}.\nTopics: {(analysis.Topics.Count == 0 ? "none found" : string.Join(", ", analysis.Topics))}.\nRead it: {link}\n";
        var sent = await email.SendAsync(options.Value.AlertEmail, $"[TwilioFeedback] Feedback {id} needs attention", body, CancellationToken.None);
        if (!sent.Succeeded)
        {
            metrics.ProviderError(SchedulingMetrics.EmailProvider(emailOptions.Value), sent.Permanent ? "permanent" : "transient");
        }
        if (!sent.Succeeded && !sent.Permanent)
        {
            await db.Feedbacks.Where(f => f.Id == id).ExecuteUpdateAsync(s => s.SetProperty(f => f.EscalatedAt, (DateTimeOffset?)null));
        }
        LogEscalated(logger, id, why, sent.Succeeded);
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Feedback {FeedbackId} could not be analysed and is set aside for this run")]
    private static partial void LogSetAside(ILogger logger, long feedbackId, Exception exception);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Analysed {Analysed} feedback items; {SetAside} set aside")]
    private static partial void LogRun(ILogger logger, int analysed, int setAside);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Feedback {FeedbackId} escalated ({Why}); alert sent: {Sent}")]
    private static partial void LogEscalated(ILogger logger, long feedbackId, string why, bool sent);
}
