using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Scheduling.Privacy;

/// <summary>
/// Re-encrypts patient data that is not under the active key (after a key rotation, or clear text
/// written before encryption existed), a batch at a time, until none is left.
/// </summary>
public sealed partial class DataKeyRotationJob(FeedbackDbContext db, DataCipher cipher, ILogger<DataKeyRotationJob> logger) : IInvocable
{
    private const int BatchSize = 200;

    public async Task Invoke() => await RunAsync(CancellationToken.None);

    /// <summary>Re-encrypts everything left; returns how many rows changed.</summary>
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
        var prefix = cipher.ActiveTextPrefix;
        var changed = 0;

        var patientIds = await IdsAsync(db.Database.SqlQuery<long>(
            $"SELECT id AS \"Value\" FROM patients WHERE (phone IS NOT NULL AND NOT starts_with(phone, {prefix})) OR (email IS NOT NULL AND NOT starts_with(email, {prefix})) LIMIT {BatchSize}"), cancellationToken);
        foreach (var patient in await db.Patients.Where(p => patientIds.Contains(p.Id)).ToListAsync(cancellationToken))
        {
            Touch(patient, nameof(Patient.Phone), nameof(Patient.Email));
        }

        var feedbackIds = await IdsAsync(db.Database.SqlQuery<long>(
            $"SELECT id AS \"Value\" FROM feedbacks WHERE content IS NOT NULL AND NOT starts_with(content, {prefix}) LIMIT {BatchSize}"), cancellationToken);
        foreach (var feedback in await db.Feedbacks.Where(f => feedbackIds.Contains(f.Id)).ToListAsync(cancellationToken))
        {
            Touch(feedback, nameof(Feedback.Content));
        }

        var reminderIds = await IdsAsync(db.Database.SqlQuery<long>(
            $"""
            SELECT id AS "Value" FROM reminders
            WHERE NOT starts_with(message, {prefix}) OR (phone_number IS NOT NULL AND NOT starts_with(phone_number, {prefix}))
               OR (email IS NOT NULL AND NOT starts_with(email, {prefix}))
            LIMIT {BatchSize}
            """), cancellationToken);
        foreach (var reminder in await db.Reminders.Where(r => reminderIds.Contains(r.Id)).ToListAsync(cancellationToken))
        {
            Touch(reminder, nameof(Reminder.Message), nameof(Reminder.PhoneNumber), nameof(Reminder.Email));
        }
        changed += await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var active = cipher.ActiveKeyId;
        var recordings = await db.VoiceRecordings.Where(r => r.Data != null && r.KeyId != active).Take(10).ToListAsync(cancellationToken);
        foreach (var recording in recordings)
        {
            recording.Data = cipher.Encrypt(cipher.Decrypt(recording.KeyId, recording.Data));
            recording.KeyId = active;
        }
        changed += await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return changed;
    }

    private static Task<List<long>> IdsAsync(IQueryable<long> query, CancellationToken cancellationToken) => query.ToListAsync(cancellationToken);

    /// <summary>The values are unchanged, so EF would write nothing: mark them, and the converter encrypts them anew.</summary>
    private void Touch(object entity, params string[] properties)
    {
        var entry = db.Entry(entity);
        foreach (var property in properties)
        {
            if (entry.Property(property).CurrentValue is not null)
            {
                entry.Property(property).IsModified = true;
            }
        }
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Re-encrypted {Rows} rows of patient data under key {KeyId}")]
    private static partial void LogRotated(ILogger logger, int rows, string keyId);
}
