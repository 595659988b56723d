using System.Security.Claims;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Api;

public sealed record AuditResponse(DateTimeOffset At, string Actor, string Action, string Target);

/// <summary>The audit log: who read, exported, changed or erased patient data.</summary>
public sealed class AuditLog(FeedbackDbContext db, TimeProvider clock)
{
    /// <summary>The token's name, else its subject; without a token, <c>anonymous@{address}</c>.</summary>
    public static string ActorOf(ClaimsPrincipal user, System.Net.IPAddress? address) =>
        user.FindFirst("name")?.Value ?? user.FindFirst("sub")?.Value ?? "anonymous@" + (address?.ToString() ?? "local");

    public Task RecordAsync(ClaimsPrincipal user, string action, string target, CancellationToken cancellationToken) =>
        WriteAsync(ActorOf(user, null), action, target, cancellationToken);

    /// <summary>As <see cref="RecordAsync(ClaimsPrincipal, string, string, CancellationToken)"/>, naming the caller's address when there is no token.</summary>
    public Task RecordAsync(HttpContext context, string action, string target, CancellationToken cancellationToken) =>
        WriteAsync(ActorOf(context.User, context.Connection.RemoteIpAddress), action, target, cancellationToken);

    private async Task WriteAsync(string actor, string action, string target, CancellationToken cancellationToken)
    {
        db.AuditEntries.Add(AuditEntry.Of(clock.GetUtcNow(), actor, action, target));
        await db.SaveChangesAsync(cancellationToken);
    }
}
