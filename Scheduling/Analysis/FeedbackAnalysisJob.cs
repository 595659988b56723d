using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Email;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>Processes new feedback: sentiment, topics, <c>processed</c>; alerts staff once about alarming items.</summary>
public sealed partial class FeedbackAnalysisJob(
    FeedbackDbContext db,
    IFeedbackAnalyzer analyzer,
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
        var batch = await db.Feedbacks.AsNoTracking()
            .Where(f => !f.Processed && (f.Content != null || f.VoiceRecordingId != null || f.DateSubmitted <= settled))
            .OrderBy(f => f.Id).Take(200)
            .Select(f => new { f.Id, f.Rating, f.Content, f.Language, f.EscalatedAt })
            .ToListAsync();
        foreach (var item in batch)
        {
            var analysis = await analyzer.AnalyzeAsync(item.Rating, item.Content, item.Language, CancellationToken.None);
            await db.Feedbacks.Where(f => f.Id == item.Id).ExecuteUpdateAsync(s => s
                .SetProperty(f => f.Sentiment, analysis.Sentiment)
                .SetProperty(f => f.SentimentScore, analysis.Score)
                .SetProperty(f => f.Topics, analysis.Topics.ToList())
                .SetProperty(f => f.CommentLanguage, analysis.CommentLanguage)
                .SetProperty(f => f.Processed, true));
            if ((item.Rating <= 2 || analysis.Alarming) && item.EscalatedAt is null)
            {
                await EscalateAsync(item.Id, item.Rating, analysis, now);
            }
        }
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

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Feedback {FeedbackId} escalated ({Why}); alert sent: {Sent}")]
    private static partial void LogEscalated(ILogger logger, long feedbackId, string why, bool sent);
}
