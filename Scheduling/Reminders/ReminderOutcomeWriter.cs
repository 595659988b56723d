using Npgsql;
using NpgsqlTypes;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Saves what became of one reminder in one round trip, a statement prepared once per batch: its row
/// (only while this dispatcher's lease holds) and its delivery attempts (always: they happened). The
/// encrypted columns (message, phone, email) are not written here (the language written is), so nothing bypasses their cipher.
/// Only <see cref="ReminderTransitions.RecordOutcomeAsync"/> saves through it.
/// </summary>
public sealed class ReminderOutcomeWriter(NpgsqlConnection connection) : IAsyncDisposable
{
    private readonly NpgsqlCommand _command = new(
        $"""
        WITH attempt AS (
            INSERT INTO delivery_attempts (reminder_id, channel, outcome, provider_id, error, attempted_at)
            SELECT $1, a.channel, a.outcome, a.provider_id, a.error, $14
            FROM unnest($2, $3, $4, $5) AS a(channel, outcome, provider_id, error))
        UPDATE reminders SET status = $6, reason = $7, scheduled_time = $8, attempts = $9, lease_until = NULL,
            provider_id = $10, sent_at = $11, last_error = $12, updated_at = $14, language = $15
        WHERE id = $1 AND status = '{ReminderStatus.Sending}' AND lease_until = $13
        """, connection)
    {
        Parameters =
        {
            new() { NpgsqlDbType = NpgsqlDbType.Bigint },
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new() { NpgsqlDbType = NpgsqlDbType.Integer },
            new() { NpgsqlDbType = NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new() { NpgsqlDbType = NpgsqlDbType.Text },
            new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new() { NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new() { NpgsqlDbType = NpgsqlDbType.Text },
        },
    };

    private bool _prepared;

    /// <summary>False when the row was no longer this dispatcher's (taken over after its lease ran out).</summary>
    internal async Task<bool> SaveAsync(Reminder reminder, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (!_prepared)
        {
            await _command.PrepareAsync(cancellationToken);
            _prepared = true;
        }
        var attempts = reminder.DeliveryAttempts;
        var parameters = _command.Parameters;
        parameters[0].Value = reminder.Id;
        parameters[1].Value = attempts.ConvertAll(a => a.Channel);
        parameters[2].Value = attempts.ConvertAll(a => a.Outcome);
        parameters[3].Value = attempts.ConvertAll(a => a.ProviderId);
        parameters[4].Value = attempts.ConvertAll(a => a.Error);
        parameters[5].Value = reminder.Status;
        parameters[6].Value = (object?)reminder.Reason ?? DBNull.Value;
        parameters[7].Value = reminder.ScheduledTime;
        parameters[8].Value = reminder.Attempts;
        parameters[9].Value = (object?)reminder.ProviderId ?? DBNull.Value;
        parameters[10].Value = (object?)reminder.SentAt ?? DBNull.Value;
        parameters[11].Value = (object?)reminder.LastError ?? DBNull.Value;
        parameters[12].Value = leaseUntil;
        parameters[13].Value = reminder.UpdatedAt;
        // The language it went in: a template is written afresh in the patient's language of the day when it goes.
        parameters[14].Value = reminder.Language;
        return await _command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
