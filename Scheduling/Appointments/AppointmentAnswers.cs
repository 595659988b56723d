using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Reminders;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>
/// A patient's 1 or 2 to an appointment's reminder (by message or keypad, through <see cref="ReminderTransitions.AnswerAsync"/>):
/// 1 confirms the appointment; 2 declines it, shows it to staff as declined and clears its unsent reminders and invite.
/// A visit no longer open (attended, missed, cancelled, declined) stays as it is: <see cref="VisitClosedAsync"/> says so before the answer is applied.
/// </summary>
public static class AppointmentAnswers
{
    private static readonly string[] Open = [AppointmentStatus.Scheduled, AppointmentStatus.Moved, AppointmentStatus.Confirmed];

    /// <summary>
    /// True when <paramref name="reminderId"/> belongs to a visit no longer open (attended, no_show, cancelled or declined): a 1 or 2 to it
    /// changes nothing, and the patient is told that instead of "confirmed". Asked before the answer is applied (a 2 would decline an open visit).
    /// </summary>
    public static Task<bool> VisitClosedAsync(FeedbackDbContext db, long reminderId, CancellationToken ct) =>
        db.Reminders.AnyAsync(r => r.Id == reminderId && r.Appointment != null && !Open.Contains(r.Appointment.Status), ct);

    /// <summary>Whether an appointment in <paramref name="status"/> still takes a 1 or 2.</summary>
    public static bool IsOpen(string status) => Open.Contains(status);

    public static async Task ApplyAsync(FeedbackDbContext db, ReminderTransitions transitions, long reminderId, bool confirmed, DateTimeOffset now, CancellationToken ct)
    {
        var appointmentId = await db.Reminders.Where(r => r.Id == reminderId).Select(r => r.AppointmentId).FirstOrDefaultAsync(ct);
        if (appointmentId is not { } id)
        {
            return;
        }
        var status = confirmed ? AppointmentStatus.Confirmed : AppointmentStatus.Declined;
        var changed = await db.Appointments.Where(a => a.Id == id && Open.Contains(a.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.UpdatedAt, now), ct);
        if (changed == 1 && !confirmed)
        {
            await transitions.CancelAllOfAppointmentAsync(id, ct);
        }
    }
}
