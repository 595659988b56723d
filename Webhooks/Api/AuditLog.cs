using System.Security.Claims;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Api;

public sealed record AuditResponse(DateTimeOffset At, string Actor, string Action, string Target);

/// <summary>The audit log: who read, exported, changed or erased patient data.</summary>
public sealed class AuditLog(FeedbackDbContext db, TimeProvider clock)
{
    public async Task RecordAsync(ClaimsPrincipal user, string action, string target, CancellationToken cancellationToken)
    {
        db.AuditEntries.Add(new AuditEntry { At = clock.GetUtcNow(), Actor = user.FindFirst("name")?.Value ?? "unknown", Action = action, Target = target });
        await db.SaveChangesAsync(cancellationToken);
    }
}
