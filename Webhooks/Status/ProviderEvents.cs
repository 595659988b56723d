using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>Keeps each provider status callback once, however often it arrives.</summary>
public sealed class ProviderEvents(FeedbackDbContext db, TimeProvider clock)
{
    public Task RecordAsync(string kind, string sid, string status, string? errorCode, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO provider_events (kind, sid, status, error_code, received_at)
            VALUES ({kind}, {Clip(sid, 64)}, {Clip(status, 32)}, {(string.IsNullOrEmpty(errorCode) ? null : Clip(errorCode, 16))}, {clock.GetUtcNow()})
            ON CONFLICT (kind, sid, status) DO NOTHING
            """,
            cancellationToken);

    // Whole characters only (a cut emoji cannot be encoded) and no control characters (PostgreSQL refuses NUL).
    private static string Clip(string value, int length) => TwilioFeedback.Resources.SafeText.Clean(value, length);
}
