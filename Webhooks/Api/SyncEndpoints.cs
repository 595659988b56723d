using TwilioFeedback.Webhooks.Observability;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>
/// One piece of feedback collected offline (kiosk, health worker's phone), with its own id. When it was
/// given: <c>given_at</c>, or the seed's <c>date_submitted</c> (both may be sent only if they agree).
/// </summary>
public sealed record SyncItem(Guid? ClientId, string? PatientId, string? Language, int? Rating, string? Content, string? GivenAt, string? DateSubmitted = null);

public sealed record SyncBatch(IReadOnlyList<SyncItem>? Items);

/// <summary>What became of one item: created, duplicate (already here), or invalid with the reason.</summary>
public sealed record SyncResult(Guid? ClientId, string Outcome, long? Id = null, string? Reason = null);

public sealed record SyncAnswer(IReadOnlyList<SyncResult> Items);

/// <summary>Offline sync: idempotent by client_id, item by item.</summary>
public static class SyncEndpoints
{
    /// <summary>Largest batch accepted; send more in several posts.</summary>
    public const int MaxBatch = 500;

    public static IEndpointRouteBuilder MapSync(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/feedback/sync", SyncAsync).WithTags("Feedback").WithName("SyncFeedback")
            .RequireAuthorization(StaffAuth.StaffPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        return app;
    }

    internal static async Task<Results<Ok<SyncAnswer>, ProblemHttpResult>> SyncAsync(
        SyncBatch batch, FeedbackDbContext db, PatientDirectory patients, DataCipher cipher, TimeProvider clock, WebhookMetrics metrics, CancellationToken cancellationToken)
    {
        var items = batch.Items ?? [];
        if (items.Count is 0 or > MaxBatch)
        {
            return TypedResults.Problem(statusCode: items.Count == 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status413PayloadTooLarge,
                title: $"Send 1 to {MaxBatch} items.");
        }
        var now = clock.GetUtcNow();
        var results = new List<SyncResult>(items.Count);
        foreach (var item in items)
        {
            var errors = new Dictionary<string, string[]>();
            var patientId = ApiFields.PatientId(item.PatientId, errors);
            var language = ApiFields.Language(item.Language, errors);
            DateTimeOffset given = default;
            if (item.ClientId is null || item.ClientId == Guid.Empty)
            {
                errors["client_id"] = ["client_id (a UUID) is required."];
            }
            if (item.Rating is not (>= 1 and <= 5))
            {
                errors["rating"] = ["rating is required, from 1 to 5."];
            }
            if (!TryParseGiven(item.GivenAt ?? item.DateSubmitted, out given) || given > now.AddMinutes(5))
            {
                errors["given_at"] = ["given_at (or date_submitted) must be a past ISO-8601 time with an offset."];
            }
            else if (item.GivenAt is not null && item.DateSubmitted is not null
                && (!TryParseGiven(item.DateSubmitted, out var alias) || alias != given))
            {
                errors["given_at"] = ["given_at and date_submitted name the same time: send one, or both equal."];
            }
            if (errors.Count > 0)
            {
                results.Add(new SyncResult(item.ClientId, "invalid", Reason: string.Join(" ", errors.Values.SelectMany(v => v))));
                continue;
            }
            var patient = await patients.FindOrCreateByExternalIdAsync(patientId!, null, language, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            var content = string.IsNullOrWhiteSpace(item.Content) ? null : SafeText.Clean(item.Content.Trim(), ConversationEffects.MaxCommentLength);
            // The client's id makes a resent item (a retried or cut-off batch) a no-op.
            var inserted = await db.Database.SqlQuery<long>(
                $"""
                INSERT INTO feedbacks (patient_id, language, content, rating, date_submitted, processed, channel, client_id)
                VALUES ({patient.Id}, {language.Code()}, {(content is null ? null : cipher.Protect(content))}, {item.Rating!.Value}, {given.ToUniversalTime()}, false, 'sync', {item.ClientId})
                ON CONFLICT (client_id) DO NOTHING
                RETURNING id AS "Value"
                """).ToListAsync(cancellationToken);
            if (inserted.Count == 1)
            {
                metrics.FeedbackStored("sync", language.Code());
            }
            results.Add(inserted.Count == 1
                ? new SyncResult(item.ClientId, "created", inserted[0])
                : new SyncResult(item.ClientId, "duplicate", await db.Feedbacks.Where(f => f.ClientId == item.ClientId).Select(f => (long?)f.Id).FirstOrDefaultAsync(cancellationToken)));
        }
        return TypedResults.Ok(new SyncAnswer(results));
    }

    private static bool TryParseGiven(string? value, out DateTimeOffset given)
    {
        given = default;
        return value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out given);
    }
}
