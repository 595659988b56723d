using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>One group of the statistics: how many, the average rating, the shares of 4–5 and of 1–2.</summary>
public sealed record StatsRow(string Key, int Count, double AverageRating, double Share45, double Share12);

public sealed record StatsAnswer(string GroupBy, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<StatsRow> Groups);

/// <summary>Row shape of the statistics query.</summary>
public sealed record StatsQueryRow(string Key, int Count, double Average, int High, int Low);

/// <summary>Feedback statistics for staff, and the CSV export for admins (streamed).</summary>
public static class ReportEndpoints
{
    // group_by → SQL key expression (a fixed list: nothing from the request reaches the SQL text).
    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["day"] = "to_char(date_submitted AT TIME ZONE 'Africa/Douala', 'YYYY-MM-DD')",
        ["language"] = "language",
        ["channel"] = "channel",
        ["topic"] = "t.topic",
    };

    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/feedback/stats", StatsAsync).WithTags("Feedback").WithName("FeedbackStats")
            .RequireAuthorization(StaffAuth.StaffPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy).WithETags();
        app.MapGet("/api/v1/feedback/export.csv", ExportAsync).WithTags("Feedback").WithName("ExportFeedback")
            .RequireAuthorization(StaffAuth.AdminPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        return app;
    }

    internal static async Task<Results<Ok<StatsAnswer>, ValidationProblem>> StatsAsync(
        FeedbackDbContext db, CancellationToken cancellationToken, DateTimeOffset? from = null, DateTimeOffset? to = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "group_by")] string groupBy = "day")
    {
        if (!Keys.TryGetValue(groupBy, out var key))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["group_by"] = [$"group_by must be one of {string.Join(", ", Keys.Keys)}."] });
        }
        var start = (from ?? DateTimeOffset.MinValue.AddYears(2000)).ToUniversalTime();
        var end = (to ?? DateTimeOffset.MaxValue.AddYears(-1)).ToUniversalTime();
#pragma warning disable EF1002 // the key expression comes from the fixed list above, never from the request
        var rows = await db.Database.SqlQueryRaw<StatsQueryRow>(
            $$"""
            SELECT {{key}} AS "Key", count(*)::int AS "Count", avg(rating)::float8 AS "Average",
                   count(*) FILTER (WHERE rating >= 4)::int AS "High", count(*) FILTER (WHERE rating <= 2)::int AS "Low"
            FROM feedbacks{{(groupBy == "topic" ? " CROSS JOIN LATERAL unnest(topics) AS t(topic)" : "")}}
            WHERE date_submitted >= {0} AND date_submitted < {1}
            GROUP BY 1 ORDER BY 1
            """, start, end).ToListAsync(cancellationToken);
#pragma warning restore EF1002
        var groups = rows.Select(r => new StatsRow(r.Key, r.Count, Math.Round(r.Average, 2), Math.Round((double)r.High / r.Count, 3), Math.Round((double)r.Low / r.Count, 3))).ToList();
        return TypedResults.Ok(new StatsAnswer(groupBy, from, to, groups));
    }

    /// <summary>Every feedback as CSV, written row by row as the database yields it.</summary>
    internal static async Task ExportAsync(HttpContext context, FeedbackDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(context.User, "export", "feedback export.csv", cancellationToken);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"feedback.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        await writer.WriteLineAsync("id,patient_id,language,rating,content,channel,date_submitted,processed,has_voice");
        var rows = db.Feedbacks.AsNoTracking().OrderBy(f => f.Id)
            .Select(f => new { f.Id, f.Patient.ExternalId, f.Language, f.Rating, f.Content, f.Channel, f.DateSubmitted, f.Processed, HasVoice = f.VoiceRecordingId != null })
            .AsAsyncEnumerable();
        await foreach (var f in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(string.Join(',',
                f.Id.ToString(CultureInfo.InvariantCulture), Csv(f.ExternalId), Languages.FromCode(f.Language)?.SeedName() ?? f.Language,
                f.Rating.ToString(CultureInfo.InvariantCulture), Csv(f.Content), f.Channel,
                f.DateSubmitted.ToString("O", CultureInfo.InvariantCulture), f.Processed ? "true" : "false", f.HasVoice ? "true" : "false"));
        }
    }

    // RFC 4180 quoting; a leading = + - @ is neutralised so spreadsheets do not run it as a formula.
    internal static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
