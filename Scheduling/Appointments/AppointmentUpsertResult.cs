using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>What an upsert or a cancel came to.</summary>
public enum AppointmentUpsertOutcome
{
    Created,
    Updated,
    Unchanged,
    Refused,
}

/// <summary>Why a request was refused: bad input, no such appointment, or one that cannot change any more.</summary>
public enum AppointmentRefusal
{
    Invalid,
    NotFound,
    Conflict,
}

/// <summary>
/// The outcome, the appointment as it now is (null when refused before one was found), and for a refusal why:
/// <see cref="Reason"/> is a sentence for staff, <see cref="Field"/> the request field it is about, <see cref="Code"/> and
/// <see cref="Args"/> the same reason as a key and its values, for a page to word in its own language.
/// </summary>
public sealed record AppointmentUpsertResult(
    AppointmentUpsertOutcome Outcome, Appointment? Appointment, string? Reason = null, string? Field = null, AppointmentRefusal? Refusal = null,
    string? Code = null, IReadOnlyList<string>? Args = null)
{
    public static AppointmentUpsertResult Refused(string field, string reason, AppointmentRefusal refusal = AppointmentRefusal.Invalid, Appointment? appointment = null,
        string? code = null, IReadOnlyList<string>? args = null) =>
        new(AppointmentUpsertOutcome.Refused, appointment, reason, field, refusal, code, args);
}
