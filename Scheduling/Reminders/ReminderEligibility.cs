using Npgsql;
using NpgsqlTypes;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Appointments;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Whether an appointment's reminder may still go, read just before its send: a visit marked no_show (or cancelled,
/// declined, attended) after the dispatcher claimed and loaded the row must not get it. One prepared statement on the
/// batch's connection, only for reminders that have an appointment.
/// </summary>
public sealed class ReminderEligibility(NpgsqlConnection connection) : IAsyncDisposable
{
    private readonly NpgsqlCommand _command = new("SELECT status FROM appointments WHERE id = $1", connection)
    {
        Parameters = { new() { NpgsqlDbType = NpgsqlDbType.Uuid } },
    };

    private bool _prepared;

    /// <summary>
    /// Why <paramref name="reminder"/> must not go now (its reason when skipped), or null when it may; <see cref="Gone"/> when its
    /// appointment no longer exists.
    /// </summary>
    public async Task<string?> WhyNotAsync(Reminder reminder, CancellationToken cancellationToken)
    {
        if (reminder.AppointmentId is not { } id)
        {
            return null;
        }
        if (!_prepared)
        {
            await _command.PrepareAsync(cancellationToken);
            _prepared = true;
        }
        _command.Parameters[0].Value = id;
        return await _command.ExecuteScalarAsync(cancellationToken) is string status ? WhyNot(reminder.Kind, reminder.Template, status) : Gone;
    }

    /// <summary>
    /// The rule: a feedback invite goes unless the visit was cancelled, declined or missed (no_show); a reminder or a
    /// moved notice only while the visit is still ahead (not cancelled, declined, attended or no_show); the cancellation
    /// notice always (it tells of the cancellation).
    /// </summary>
    public static string? WhyNot(string kind, string? template, string appointmentStatus)
    {
        if (template == AppointmentTexts.Cancelled)
        {
            return null;
        }
        var closed = kind == ReminderKinds.FeedbackInvite
            ? appointmentStatus is AppointmentStatus.Cancelled or AppointmentStatus.Declined or AppointmentStatus.NoShow
            : AppointmentStatus.IsClosed(appointmentStatus) || AppointmentStatus.IsOver(appointmentStatus);
        return closed ? "appointment_" + appointmentStatus : null;
    }

    /// <summary>
    /// No appointment: it was deleted, and this reminder's row with it (ON DELETE CASCADE). The app never deletes one (a cancellation
    /// is a status; erasure keeps the rows), so only a DELETE by hand while the batch ran gets here. Nothing is sent, and no row is
    /// left to save a reason on: this is never a saved reason, and the dispatcher saves nothing for it.
    /// </summary>
    public const string Gone = "gone";

    public ValueTask DisposeAsync() => _command.DisposeAsync();
}
