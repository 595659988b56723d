using Npgsql;
using NpgsqlTypes;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Saves what became of several reminders in one round trip, a statement prepared once per batch: their rows (each
/// only while this dispatcher's lease holds) and their delivery attempts (always: they happened). The encrypted
/// columns (message, phone, email) are not written here (the language written is), so nothing bypasses their cipher.
/// Only <see cref="ReminderTransitions.RecordOutcomesAsync"/> saves through it.
/// </summary>
public sealed class ReminderOutcomeWriter(NpgsqlConnection connection) : IAsyncDisposable
{
    private readonly NpgsqlCommand _command = new(
        $"""
        WITH attempt AS (
            INSERT INTO delivery_attempts (reminder_id, channel, outcome, provider_id, error, attempted_at)
            SELECT * FROM unnest($1, $2, $3, $4, $5, $6))
        UPDATE reminders r SET status = o.status, reason = o.reason, scheduled_time = o.scheduled_time, attempts = o.attempts, lease_until = NULL,
            provider_id = o.provider_id, sent_at = o.sent_at, last_error = o.last_error, updated_at = o.updated_at, language = o.language
        FROM unnest($7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            AS o(id, status, reason, scheduled_time, attempts, provider_id, sent_at, last_error, updated_at, language)
        WHERE r.id = o.id AND r.status = '{ReminderStatus.Sending}' AND r.lease_until = $17
        RETURNING r.id
        """, connection)
    {
        Parameters =
        {
            // delivery_attempts: reminder_id, channel, outcome, provider_id, error, attempted_at
            Array(NpgsqlDbType.Bigint), Array(NpgsqlDbType.Text), Array(NpgsqlDbType.Text), Array(NpgsqlDbType.Text), Array(NpgsqlDbType.Text), Array(NpgsqlDbType.TimestampTz),
            // reminders: id, status, reason, scheduled_time, attempts, provider_id, sent_at, last_error, updated_at, language
            Array(NpgsqlDbType.Bigint), Array(NpgsqlDbType.Text), Array(NpgsqlDbType.Text), Array(NpgsqlDbType.TimestampTz), Array(NpgsqlDbType.Integer),
            Array(NpgsqlDbType.Text), Array(NpgsqlDbType.TimestampTz), Array(NpgsqlDbType.Text), Array(NpgsqlDbType.TimestampTz), Array(NpgsqlDbType.Text),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz },
        },
    };

    private bool _prepared;

    private static NpgsqlParameter Array(NpgsqlDbType type) => new() { NpgsqlDbType = NpgsqlDbType.Array | type };

    /// <summary>The ids of the rows saved; a row not among them was no longer this dispatcher's (taken over after its lease ran out).</summary>
    internal async Task<HashSet<long>> SaveAsync(IReadOnlyList<Reminder> reminders, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (!_prepared)
        {
            await _command.PrepareAsync(cancellationToken);
            _prepared = true;
        }
        var attempts = reminders.SelectMany(r => r.DeliveryAttempts, (r, a) => (r.Id, Attempt: a)).ToList();
        var p = _command.Parameters;
        p[0].Value = attempts.ConvertAll(a => a.Id);
        p[1].Value = attempts.ConvertAll(a => a.Attempt.Channel);
        p[2].Value = attempts.ConvertAll(a => a.Attempt.Outcome);
        p[3].Value = attempts.ConvertAll(a => a.Attempt.ProviderId);
        p[4].Value = attempts.ConvertAll(a => a.Attempt.Error);
        p[5].Value = attempts.ConvertAll(a => a.Attempt.AttemptedAt.ToUniversalTime());
        p[6].Value = Each(reminders, r => r.Id);
        p[7].Value = Each(reminders, r => r.Status);
        p[8].Value = Each(reminders, r => r.Reason);
        p[9].Value = Each(reminders, r => r.ScheduledTime.ToUniversalTime());
        p[10].Value = Each(reminders, r => r.Attempts);
        p[11].Value = Each(reminders, r => r.ProviderId);
        p[12].Value = Each(reminders, r => r.SentAt?.ToUniversalTime());
        p[13].Value = Each(reminders, r => r.LastError);
        p[14].Value = Each(reminders, r => r.UpdatedAt.ToUniversalTime());
        // The language it went in: a template is written afresh in the patient's language of the day when it goes.
        p[15].Value = Each(reminders, r => r.Language);
        p[16].Value = leaseUntil;
        var saved = new HashSet<long>(reminders.Count);
        await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            saved.Add(reader.GetInt64(0));
        }
        return saved;
    }

    private static T[] Each<T>(IReadOnlyList<Reminder> reminders, Func<Reminder, T> column)
    {
        var values = new T[reminders.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = column(reminders[i]);
        }
        return values;
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
