using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>One call-back as staff see it.</summary>
public sealed record CallBackResponse(
    long Id, string PhoneNumber, string HospitalNumber, string Trigger, string Status, string? CallStatus, int Calls,
    DateTimeOffset DueAt, DateTimeOffset? PlacedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? LastError);

public sealed record CallBackPage(IReadOnlyList<CallBackResponse> Items, string? NextCursor);

/// <summary><c>GET /api/v1/callbacks</c>: the call-backs, newest first, for staff.</summary>
public static class CallMeBackApi
{
    public static IEndpointRouteBuilder MapCallBackApi(this IEndpointRouteBuilder api)
    {
        api.MapGroup("/api/v1/callbacks").WithTags("Call-backs").RequireAuthorization(StaffAuth.StaffPolicy)
            .RequireRateLimiting(RateLimitOptions.ApiPolicy)
            .MapGet("/", ListAsync).WithName("ListCallBacks").WithSummary("Call-backs owed to patients who flashed a hospital number, newest first.");
        return api;
    }

    internal static async Task<Results<Ok<CallBackPage>, ValidationProblem>> ListAsync(
        FeedbackDbContext db, CancellationToken cancellationToken, string? status = null, long? cursor = null, int limit = 20)
    {
        if (limit is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be from 1 to 100."] });
        }
        if (status is not null && !CallBackStatus.All.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"status must be one of {string.Join(", ", CallBackStatus.All)}."] });
        }
        var query = db.CallBacks.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(c => c.Status == status);
        }
        if (cursor is { } before)
        {
            query = query.Where(c => c.Id < before);
        }
        var rows = await query.OrderByDescending(c => c.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(c => new CallBackResponse(
            c.Id, c.Phone, c.HospitalNumber, c.Trigger, c.Status, c.CallStatus, c.Calls, c.DueAt, c.PlacedAt, c.CreatedAt, c.UpdatedAt, c.LastError)).ToList();
        return TypedResults.Ok(new CallBackPage(items, rows.Count > limit ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }
}
