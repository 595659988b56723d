using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>How many call-backs of the period are in each state the dashboard shows.</summary>
public sealed record DashboardCallBackCounts(int Scheduled, int Deferred, int Placed, int Completed, int Failed, int Retried, int Skipped);

/// <summary>A recent call-back: the number masked (<c>+2376••••••12</c>), its state as the dashboard names it.</summary>
public sealed record DashboardCallBack(long Id, string Phone, string Trigger, string Status, int Calls, DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? PlacedAt);

/// <summary>The dashboard's call-backs: whether call me back is on, the counts of the period and the latest ten.</summary>
public sealed record DashboardCallBacks(bool Enabled, int Days, DashboardCallBackCounts Counts, IReadOnlyList<DashboardCallBack> Latest);

/// <summary><c>GET /api/v1/dashboard/callbacks</c>: call me back on the dashboard, for staff, numbers masked.</summary>
public static class DashboardCallBackEndpoints
{
    public static IEndpointRouteBuilder MapDashboardCallBacks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/dashboard/callbacks", SummaryAsync).WithTags("Dashboard").WithName("DashboardCallBacks")
            .WithSummary("Call-backs of the period by state (scheduled, deferred, placed, completed, failed, retried, skipped) and the latest ten, numbers masked.")
            .RequireAuthorization(StaffAuth.StaffPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy).WithETags();
        return app;
    }

    /// <summary>
    /// The state as staff read it: <c>deferred</c> waits out quiet hours, <c>retried</c> is a failed first call whose
    /// retry is due or placed, <c>completed</c> was answered; the others are the row's own status.
    /// </summary>
    public static string Shown(string status, int calls, bool deferred) => status switch
    {
        CallBackStatus.Answered => "completed",
        CallBackStatus.Failed or CallBackStatus.Skipped => status,
        CallBackStatus.Scheduled when calls > 0 => "retried",
        CallBackStatus.Scheduled => deferred ? "deferred" : "scheduled",
        _ => calls > 1 ? "retried" : "placed", // placing, placed
    };

    internal static async Task<Results<Ok<DashboardCallBacks>, ValidationProblem>> SummaryAsync(
        FeedbackDbContext db, TimeProvider clock, IOptions<CallBackOptions> options, CancellationToken cancellationToken, int days = 30)
    {
        if (days is < 1 or > 366)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["days"] = ["days must be from 1 to 366."] });
        }
        var since = clock.GetUtcNow().AddDays(-days);
        var period = db.CallBacks.AsNoTracking().Where(c => c.CreatedAt >= since);
        var groups = await period.GroupBy(c => new { c.Status, c.Calls, Deferred = c.DueAt > c.CreatedAt })
            .Select(g => new { g.Key.Status, g.Key.Calls, g.Key.Deferred, Count = g.Count() }).ToListAsync(cancellationToken);
        var counts = groups.GroupBy(g => Shown(g.Status, g.Calls, g.Deferred)).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        var latest = await period.OrderByDescending(c => c.Id).Take(10).ToListAsync(cancellationToken);
        return TypedResults.Ok(new DashboardCallBacks(
            options.Value.IsOn, days,
            new DashboardCallBackCounts(Count("scheduled"), Count("deferred"), Count("placed"), Count("completed"), Count("failed"), Count("retried"), Count("skipped")),
            [.. latest.Select(c => new DashboardCallBack(c.Id, Mask.Phone(c.Phone), c.Trigger, Shown(c.Status, c.Calls, c.DueAt > c.CreatedAt), c.Calls, c.CreatedAt, c.DueAt, c.PlacedAt))]));

        int Count(string shown) => counts.GetValueOrDefault(shown);
    }
}
