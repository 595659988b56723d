using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio.Setup;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>One bar of a chart: a day, language, channel or topic; how many; their average rating.</summary>
public sealed record DashboardGroup(string Key, int Count, double AverageRating);

/// <summary>A recent comment (cut to 200 characters), with what the analysis found.</summary>
public sealed record DashboardComment(long Id, DateTimeOffset DateSubmitted, int Rating, string Language, string Channel, string? Sentiment, string? Comment, bool HasVoice, bool Escalated);

/// <summary>An escalated feedback: which, when, why (rating and topics), never the comment itself.</summary>
public sealed record DashboardEscalation(long Id, DateTimeOffset EscalatedAt, int Rating, string Channel, IReadOnlyList<string> Topics);

/// <summary>Reminders of the hospital's day: due today, sent today, failed today, still waiting.</summary>
public sealed record DashboardReminders(int Due, int Sent, int Failed, int Waiting);

/// <summary>The whole dashboard in one small answer.</summary>
public sealed record DashboardSummary(
    DateTimeOffset GeneratedAt,
    string Today,
    int Days,
    int Count,
    double AverageRating,
    IReadOnlyList<DashboardGroup> ByDay,
    IReadOnlyList<DashboardGroup> ByLanguage,
    IReadOnlyList<DashboardGroup> ByChannel,
    IReadOnlyList<DashboardGroup> ByTopic,
    IReadOnlyList<DashboardComment> Latest,
    int EscalationCount,
    IReadOnlyList<DashboardEscalation> Escalations,
    DashboardReminders RemindersToday);

/// <summary>Row shape of the grouping query.</summary>
public sealed record DashboardGroupRow(string Key, int Count, double Average);

/// <summary><c>GET /api/v1/dashboard</c>: what the dashboard page draws, for staff, a few KB.</summary>
public static class DashboardEndpoints
{
    public const int MaxCommentLength = 200;

    // Fixed SQL fragments per grouping: nothing from the request reaches the SQL text.
    private static readonly Dictionary<string, (string Key, string From)> Groupings = new(StringComparer.Ordinal)
    {
        ["day"] = ("to_char(date_submitted AT TIME ZONE {1}, 'YYYY-MM-DD')", "feedbacks"),
        ["language"] = ("language", "feedbacks"),
        ["channel"] = ("channel", "feedbacks"),
        ["topic"] = ("t.topic", "feedbacks CROSS JOIN LATERAL unnest(topics) AS t(topic)"),
    };

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/dashboard", SummaryAsync).WithTags("Dashboard").WithName("Dashboard")
            .WithSummary("Ratings over time and by language, channel and topic; latest comments; escalations; today's reminders.")
            .RequireAuthorization(StaffAuth.StaffPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy).WithETags();
        app.MapDashboardCallBacks();                // call me back: counts and the latest, numbers masked
        app.MapTwilioNumberAdmin();                 // admin: the number's webhooks at Twilio, the webhooks seen
        return app;
    }

    internal static async Task<Results<Ok<DashboardSummary>, ValidationProblem>> SummaryAsync(
        FeedbackDbContext db, TimeProvider clock, IOptions<ReminderOptions> reminders, CancellationToken cancellationToken, int days = 30)
    {
        if (days is < 1 or > 366)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["days"] = ["days must be from 1 to 366."] });
        }
        var now = clock.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(reminders.Value.TimeZone);
        var localToday = TimeZoneInfo.ConvertTime(now, zone).Date;
        var todayStart = new DateTimeOffset(localToday, zone.GetUtcOffset(localToday)).ToUniversalTime();
        var tomorrowStart = new DateTimeOffset(localToday.AddDays(1), zone.GetUtcOffset(localToday.AddDays(1))).ToUniversalTime();
        var since = new DateTimeOffset(localToday.AddDays(1 - days), zone.GetUtcOffset(localToday.AddDays(1 - days))).ToUniversalTime();

        var byDay = await GroupAsync(db, "day", since, zone.Id, cancellationToken);
        var byLanguage = await GroupAsync(db, "language", since, zone.Id, cancellationToken);
        var byChannel = await GroupAsync(db, "channel", since, zone.Id, cancellationToken);
        var byTopic = await GroupAsync(db, "topic", since, zone.Id, cancellationToken);
        var count = byDay.Sum(g => g.Count);
        var average = count == 0 ? 0 : Math.Round(byDay.Sum(g => g.AverageRating * g.Count) / count, 2);

        var latest = await db.Feedbacks.AsNoTracking()
            .Where(f => f.DateSubmitted >= since && (f.Content != null || f.VoiceRecordingId != null))
            .OrderByDescending(f => f.DateSubmitted).ThenByDescending(f => f.Id).Take(10)
            .Select(f => new
            {
                f.Id, f.DateSubmitted, f.Rating, f.Language, f.Channel, f.Sentiment, f.Content, f.EscalatedAt,
                Voice = f.VoiceRecording != null && f.VoiceRecording.Status == RecordingStatus.Stored,
            })
            .ToListAsync(cancellationToken);

        var escalated = db.Feedbacks.AsNoTracking().Where(f => f.EscalatedAt != null && f.EscalatedAt >= since);
        var escalationCount = await escalated.CountAsync(cancellationToken);
        var escalations = await escalated.OrderByDescending(f => f.EscalatedAt).Take(5)
            .Select(f => new DashboardEscalation(f.Id, f.EscalatedAt!.Value, f.Rating, f.Channel, f.Topics))
            .ToListAsync(cancellationToken);

        var rows = db.Reminders.AsNoTracking();
        var due = await rows.CountAsync(r => r.ScheduledTime >= todayStart && r.ScheduledTime < tomorrowStart && r.Status != ReminderStatus.Cancelled, cancellationToken);
        var waiting = await rows.CountAsync(r => r.ScheduledTime < tomorrowStart && (r.Status == ReminderStatus.Scheduled || r.Status == ReminderStatus.Sending), cancellationToken);
        var sent = await rows.CountAsync(r => r.SentAt >= todayStart && r.SentAt < tomorrowStart, cancellationToken);
        var failed = await rows.CountAsync(r => r.Status == ReminderStatus.Failed && r.UpdatedAt >= todayStart && r.UpdatedAt < tomorrowStart, cancellationToken);

        return TypedResults.Ok(new DashboardSummary(
            now, localToday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), days, count, average, byDay, byLanguage, byChannel, byTopic,
            [.. latest.Select(f => new DashboardComment(f.Id, f.DateSubmitted, f.Rating, f.Language, f.Channel, f.Sentiment,
                f.Content is { Length: > MaxCommentLength } text ? TwilioFeedback.Resources.SafeText.Clean(text, MaxCommentLength - 1) + "…" : f.Content, f.Voice, f.EscalatedAt is not null))],
            escalationCount, escalations, new DashboardReminders(due, sent, failed, waiting)));
    }

    private static async Task<List<DashboardGroup>> GroupAsync(FeedbackDbContext db, string grouping, DateTimeOffset since, string zone, CancellationToken cancellationToken)
    {
        var (key, from) = Groupings[grouping];
#pragma warning disable EF1002 // the fragments come from the fixed table above, never from the request
        var rows = await db.Database.SqlQueryRaw<DashboardGroupRow>(
            $$"""
            SELECT {{key}} AS "Key", count(*)::int AS "Count", avg(rating)::float8 AS "Average"
            FROM {{from}}
            WHERE date_submitted >= {0}
            GROUP BY 1 ORDER BY 1
            """, grouping == "day" ? [since, zone] : [since]).ToListAsync(cancellationToken);
#pragma warning restore EF1002
        return [.. rows.Select(r => new DashboardGroup(r.Key, r.Count, Math.Round(r.Average, 2)))];
    }
}
