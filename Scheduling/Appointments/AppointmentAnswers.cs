using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Reminders;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>
/// A patient's 1 or 2 to an appointment's reminder (by message or keypad, through <see cref="ReminderTransitions.AnswerAsync"/>):
/// 1 confirms the appointment; 2 declines it, shows it to staff as declined and clears its unsent reminders and invite.
/// </summary>
public static class AppointmentAnswers
{
    private static readonly string[] Open = [AppointmentStatus.Scheduled, AppointmentStatus.Moved, AppointmentStatus.Confirmed];

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
