using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Scheduling.Privacy;

/// <summary>
/// Re-encrypts patient data that is not under the active key (after a key rotation, or clear text
/// written before encryption existed), a batch at a time, until none is left. Each value is written
/// back only if it is still the one that was read: a comment appended, a number changed or a patient
/// erased meanwhile is never overwritten with the old value.
/// </summary>
public sealed partial class DataKeyRotationJob(FeedbackDbContext db, DataCipher cipher, ILogger<DataKeyRotationJob> logger) : IInvocable
{
    private const int BatchSize = 200;

    /// <summary>Every encrypted text column (constants: never user input).</summary>
    private static readonly (string Table, string Column)[] TextColumns =
    [
        ("patients", "phone"), ("patients", "email"), ("feedbacks", "content"), ("feedbacks", "transcript"), ("feedbacks", "translation"),
        ("feedback_corrections", "before"), ("feedback_corrections", "after"), ("feedback_corrections", "text"),
        ("reminders", "message"), ("reminders", "phone_number"), ("reminders", "email"), ("call_backs", "phone"), ("preview_numbers", "phone"),
    ];

    /// <summary>A stored value as PostgreSQL holds it (encrypted, or clear from before encryption).</summary>
    private sealed record StoredValue(long Id, string Value);

    public async Task Invoke() => await RunAsync(CancellationToken.None);

    /// <summary>Re-encrypts everything left; returns how many values changed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int changed;
        do
        {
            changed = await RotateBatchAsync(cancellationToken);
            total += changed;
        }
        while (changed > 0 && !cancellationToken.IsCancellationRequested);
        if (total > 0)
        {
            LogRotated(logger, total, cipher.ActiveKeyId);
        }
        return total;
    }

    private async Task<int> RotateBatchAsync(CancellationToken cancellationToken)
    {
        var changed = 0;
#pragma warning disable EF1002 // table and column names come from TextColumns (constants); values are parameters
        foreach (var (table, column) in TextColumns)
        {
            var stale = await db.Database.SqlQueryRaw<StoredValue>(
                $"SELECT id AS \"Id\", {column} AS \"Value\" FROM {table} WHERE {column} IS NOT NULL AND NOT starts_with({column}, {{0}}) LIMIT {BatchSize}",
                cipher.ActiveTextPrefix).ToListAsync(cancellationToken);
            foreach (var (id, stored) in stale)
            {
                changed += await db.Database.ExecuteSqlRawAsync(
                    $"UPDATE {table} SET {column} = {{0}} WHERE id = {{1}} AND {column} = {{2}}",
                    [cipher.Protect(cipher.Unprotect(stored)), id, stored], cancellationToken);
            }
        }
#pragma warning restore EF1002

        var active = cipher.ActiveKeyId;
        var recordings = await db.VoiceRecordings.AsNoTracking().Where(r => r.Data != null && r.KeyId != active)
            .Select(r => new { r.Id, r.KeyId, r.Data }).Take(10).ToListAsync(cancellationToken);
        foreach (var recording in recordings)
        {
            var data = cipher.Encrypt(cipher.Decrypt(recording.KeyId, recording.Data!));
            changed += await db.VoiceRecordings.Where(r => r.Id == recording.Id && r.KeyId == recording.KeyId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Data, data).SetProperty(r => r.KeyId, active), cancellationToken);
        }
        return changed;
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Re-encrypted {Values} values of patient data under key {KeyId}")]
    private static partial void LogRotated(ILogger logger, int values, string keyId);
}
