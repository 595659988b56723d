using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>Audit rows for accounts: sign-in, failed sign-in, lockout, two-factor, roles, tokens (shown by <c>GET /api/v1/audit</c>).</summary>
public sealed class AccountAudit(FeedbackDbContext db, TimeProvider clock)
{
    public async Task RecordAsync(string actor, string action, string target, CancellationToken cancellationToken)
    {
        db.AuditEntries.Add(AuditEntry.Of(clock.GetUtcNow(), actor, action, target));
        await db.SaveChangesAsync(cancellationToken);
    }
}
