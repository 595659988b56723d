using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling.Hospital;
using TwilioFeedback.Scheduling.Reminders;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>
/// Makes, changes and cancels appointments, and keeps their reminders in step: a plan's reminders and the
/// feedback invite at creation; a move moves the unsent ones and tells the patient once; a cancel clears
/// them and sends one notice. The API, the CSV/XLSX import and FHIR all come through here.
/// </summary>
public sealed partial class AppointmentService(
    FeedbackDbContext db,
    PhoneHasher hasher,
    TimeProvider clock,
    IOptions<AppointmentOptions> options,
    IOptions<HospitalOptions> hospital,
    IOptions<ReminderOptions> reminderOptions,
    ReminderTransitions transitions,
    ReminderWording wording,
    SchedulingMetrics metrics,
    ILogger<AppointmentService> logger)
{
    private static readonly string[] ChannelNames = ["sms", "whatsapp", "voice", "email"];

    private readonly QuietHours _quiet = QuietHours.Of(reminderOptions.Value);

    // As the NHS Friends and Family Test: a visit is asked about within 48 hours, or not at all.
    private static readonly TimeSpan InviteWindow = TimeSpan.FromHours(48);

    /// <summary>Creates the appointment, or updates the one with the same <see cref="AppointmentRequest.ExternalId"/>.</summary>
    public async Task<AppointmentUpsertResult> UpsertAsync(AppointmentRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (Check(request, now) is { } refused)
        {
            return refused;
        }
        var wanted = Normalized(request);
        if (wanted.ExternalId is not null)
        {
            var existing = await db.Appointments.Include(a => a.Patient).FirstOrDefaultAsync(a => a.ExternalId == wanted.ExternalId, ct);
            if (existing is not null)
            {
                return await UpdateAsync(existing, wanted, now, ct);
            }
        }
        try
        {
            return await CreateAsync(wanted, now, ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && wanted.ExternalId is not null
            && db.Database.CurrentTransaction is null) // in the caller's transaction the error has aborted it: the caller refuses the whole
        {
            // The same external id made at once by another request (two imports of one file): update that one.
            db.ChangeTracker.Clear();
            var existing = await db.Appointments.Include(a => a.Patient).FirstAsync(a => a.ExternalId == wanted.ExternalId, ct);
            return await UpdateAsync(existing, wanted, now, ct);
        }
    }

    /// <summary>Cancels the appointment with this external id (or id, written as a GUID): its unsent reminders are cleared and one notice goes.</summary>
    public async Task<AppointmentUpsertResult> CancelAsync(string externalId, CancellationToken ct)
    {
        var appointment = await db.Appointments.Include(a => a.Patient).FirstOrDefaultAsync(a => a.ExternalId == externalId, ct);
        if (appointment is null && Guid.TryParse(externalId, out var id))
        {
            return await CancelAsync(id, ct);
        }
        return appointment is null
            ? AppointmentUpsertResult.Refused("external_id", $"No appointment {externalId}.", AppointmentRefusal.NotFound)
            : await CancelAsync(appointment, ct);
    }

    /// <summary>Cancels the appointment <paramref name="id"/>.</summary>
    public async Task<AppointmentUpsertResult> CancelAsync(Guid id, CancellationToken ct)
    {
        var appointment = await db.Appointments.Include(a => a.Patient).FirstOrDefaultAsync(a => a.Id == id, ct);
        return appointment is null
            ? AppointmentUpsertResult.Refused("id", $"No appointment {id}.", AppointmentRefusal.NotFound)
            : await CancelAsync(appointment, ct);
    }

    /// <summary>Changes the time or the department of the appointment <paramref name="id"/> (the API's PATCH); the rest stays.</summary>
    public async Task<AppointmentUpsertResult> ChangeAsync(Guid id, DateTimeOffset? startsAt, string? department, CancellationToken ct)
    {
        var appointment = await db.Appointments.Include(a => a.Patient).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (appointment is null)
        {
            return AppointmentUpsertResult.Refused("id", $"No appointment {id}.", AppointmentRefusal.NotFound);
        }
        var request = new AppointmentRequest(appointment.Patient.ExternalId, appointment.PhoneNumber, appointment.Email, appointment.Channel,
            department ?? appointment.Department, startsAt ?? appointment.StartsAt, appointment.ExternalId, appointment.Plan);
        var now = clock.GetUtcNow();
        return Check(request, now) ?? await UpdateAsync(appointment, Normalized(request), now, ct);
    }

    /// <summary>Records what happened at the visit of the appointment with this external id: <see cref="AppointmentStatus.Attended"/> or <see cref="AppointmentStatus.NoShow"/>.</summary>
    public async Task<AppointmentUpsertResult> RecordVisitAsync(string externalId, string status, CancellationToken ct)
    {
        var appointment = await db.Appointments.Include(a => a.Patient).FirstOrDefaultAsync(a => a.ExternalId == externalId, ct);
        return appointment is null
            ? AppointmentUpsertResult.Refused("external_id", $"No appointment {externalId}.", AppointmentRefusal.NotFound)
            : await RecordVisitAsync(appointment, status, ct);
    }

    /// <summary>Records what happened at the visit of the appointment <paramref name="id"/> (the API's PATCH).</summary>
    public async Task<AppointmentUpsertResult> RecordVisitAsync(Guid id, string status, CancellationToken ct)
    {
        var appointment = await db.Appointments.Include(a => a.Patient).FirstOrDefaultAsync(a => a.Id == id, ct);
        return appointment is null
            ? AppointmentUpsertResult.Refused("id", $"No appointment {id}.", AppointmentRefusal.NotFound)
            : await RecordVisitAsync(appointment, status, ct);
    }

    /// <summary>
    /// Attended or no_show, once the visit has started (a cancelled or declined one is neither). The reminders still waiting are
    /// cleared; a no-show's feedback invite too (there was no visit to ask about). An attended visit keeps its invite at the planned
    /// time; one marked attended after a no_show has it back, due at the planned time or now, while within 48 hours of the start.
    /// </summary>
    private async Task<AppointmentUpsertResult> RecordVisitAsync(Appointment appointment, string status, CancellationToken ct)
    {
        if (!AppointmentStatus.IsOver(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A visit is attended or no_show.");
        }
        if (appointment.Status == status)
        {
            return new(AppointmentUpsertOutcome.Unchanged, appointment);
        }
        if (AppointmentStatus.IsClosed(appointment.Status))
        {
            return AppointmentUpsertResult.Refused("status", $"The appointment is {appointment.Status}: it cannot be marked {status}.", AppointmentRefusal.Conflict, appointment);
        }
        var now = clock.GetUtcNow();
        if (appointment.StartsAt > now)
        {
            var local = TimeZoneInfo.ConvertTime(appointment.StartsAt, _quiet.Zone);
            return AppointmentUpsertResult.Refused("status",
                $"The visit has not started yet: it starts {local:yyyy-MM-dd HH:mm} hospital time, and can be marked {status} from then on.", AppointmentRefusal.Conflict, appointment);
        }
        await using var transaction = await BeginAsync(ct);
        // Only from the status just read: a patient's 2 or another mark at the same moment comes first, and this one is refused.
        var was = appointment.Status;
        if (await db.Appointments.Where(a => a.Id == appointment.Id && a.Status == was)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.UpdatedAt, now), ct) == 0)
        {
            return AppointmentUpsertResult.Refused("status", "The appointment changed at this same moment: read it again.", AppointmentRefusal.Conflict, appointment);
        }
        (appointment.Status, appointment.UpdatedAt) = (status, now);
        db.Entry(appointment).OriginalValues.SetValues(db.Entry(appointment).CurrentValues); // written above: nothing left to save
        var keepInvite = status == AppointmentStatus.Attended;
        var waiting = await db.Reminders.Where(r => r.AppointmentId == appointment.Id && (r.Status == ReminderStatus.Scheduled || r.Status == ReminderStatus.Sending)
            && !(keepInvite && r.Kind == ReminderKinds.FeedbackInvite)).Select(r => r.Id).ToListAsync(ct);
        var cleared = 0;
        foreach (var id in waiting)
        {
            cleared += await transitions.CancelAsync(id, ct);
        }
        if (keepInvite && now < appointment.StartsAt + InviteWindow
            && !await db.Reminders.AnyAsync(r => r.AppointmentId == appointment.Id && r.Kind == ReminderKinds.FeedbackInvite && r.Status != ReminderStatus.Cancelled, ct))
        {
            var invite = Invite(appointment, now);
            invite.ScheduledTime = invite.ScheduledTime < now ? now : invite.ScheduledTime;
            db.Reminders.Add(invite);
            await db.SaveChangesAsync(ct);
            metrics.ReminderTransitions(ReminderStatus.Scheduled);
        }
        await CommitAsync(transaction, ct);
        LogVisit(logger, appointment.Id, status, cleared);
        return new(AppointmentUpsertOutcome.Updated, appointment);
    }

    private async Task<AppointmentUpsertResult> CreateAsync(AppointmentRequest wanted, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await BeginAsync(ct);
        var patient = await PatientAsync(wanted, now, ct);
        var (appointment, reminders) = Made(wanted, patient, now);
        db.Appointments.Add(appointment);
        db.Reminders.AddRange(reminders);
        await db.SaveChangesAsync(ct);
        await CommitAsync(transaction, ct);
        metrics.ReminderTransitions(ReminderStatus.Scheduled, reminders.Count(r => r.Status == ReminderStatus.Scheduled));
        LogCreated(logger, appointment.Id, appointment.Plan, reminders.Count(r => r.Status == ReminderStatus.Scheduled), reminders.Count(r => r.Status == ReminderStatus.Skipped));
        return new(AppointmentUpsertOutcome.Created, appointment);
    }

    private async Task<AppointmentUpsertResult> UpdateAsync(Appointment appointment, AppointmentRequest wanted, DateTimeOffset now, CancellationToken ct)
    {
        if (appointment.Patient.ExternalId != wanted.PatientId)
        {
            return AppointmentUpsertResult.Refused("patient_id", $"Appointment {wanted.ExternalId} belongs to another patient.", AppointmentRefusal.Conflict, appointment, "other_patient");
        }
        var moved = appointment.StartsAt != wanted.StartsAt;
        var replanned = moved || !string.Equals(appointment.Plan, wanted.Plan, StringComparison.Ordinal);
        var contact = appointment.PhoneNumber != wanted.Phone || appointment.Email != wanted.Email || appointment.Channel != wanted.Channel;
        var department = appointment.Department != wanted.Department;
        if (!replanned && !contact && !department)
        {
            return new(AppointmentUpsertOutcome.Unchanged, appointment);
        }
        if (AppointmentStatus.IsClosed(appointment.Status) || AppointmentStatus.IsOver(appointment.Status))
        {
            return AppointmentUpsertResult.Refused("status", $"The appointment is {appointment.Status}: it cannot change any more.", AppointmentRefusal.Conflict, appointment,
                "closed", [appointment.Status]);
        }
        await using var transaction = await BeginAsync(ct);
        (appointment.StartsAt, appointment.Plan, appointment.Department, appointment.UpdatedAt) = (wanted.StartsAt, wanted.Plan!, wanted.Department!, now);
        (appointment.PhoneNumber, appointment.Email, appointment.Channel) = (wanted.Phone, wanted.Email, wanted.Channel!);
        if (moved)
        {
            appointment.Status = AppointmentStatus.Moved;
        }
        await db.SaveChangesAsync(ct);
        if (contact)
        {
            // The unsent ones go to the new address (the phone and email are encrypted: set row by row, never in SQL).
            var waiting = await db.Reminders.Where(r => r.AppointmentId == appointment.Id && r.Status == ReminderStatus.Scheduled).ToListAsync(ct);
            waiting.ForEach(r => (r.PhoneNumber, r.Email, r.Channels, r.UpdatedAt) = (appointment.PhoneNumber, appointment.Email, [appointment.Channel], now));
            await db.SaveChangesAsync(ct);
        }
        if (replanned)
        {
            await ReplanAsync(appointment, now, ct);
        }
        if (moved)
        {
            await NoticeAsync(appointment, AppointmentTexts.Moved, now, ct);
        }
        await CommitAsync(transaction, ct);
        LogUpdated(logger, appointment.Id, moved);
        return new(AppointmentUpsertOutcome.Updated, appointment);
    }

    private async Task<AppointmentUpsertResult> CancelAsync(Appointment appointment, CancellationToken ct)
    {
        if (appointment.Status == AppointmentStatus.Cancelled)
        {
            return new(AppointmentUpsertOutcome.Unchanged, appointment);
        }
        if (AppointmentStatus.IsOver(appointment.Status))
        {
            return AppointmentUpsertResult.Refused("status", $"The appointment is {appointment.Status}: the visit is over and cannot be cancelled.", AppointmentRefusal.Conflict, appointment);
        }
        var now = clock.GetUtcNow();
        await using var transaction = await BeginAsync(ct);
        (appointment.Status, appointment.UpdatedAt) = (AppointmentStatus.Cancelled, now);
        await db.SaveChangesAsync(ct);
        var cleared = await transitions.CancelAllOfAppointmentAsync(appointment.Id, ct);
        await NoticeAsync(appointment, AppointmentTexts.Cancelled, now, ct);
        await CommitAsync(transaction, ct);
        LogCancelled(logger, appointment.Id, cleared);
        return new(AppointmentUpsertOutcome.Updated, appointment);
    }

    /// <summary>
    /// Puts the plan's reminders on the appointment's (new) time: the unsent ones are moved, in order, to the
    /// times still ahead; missing ones are added, left-over ones cancelled; the unsent invite follows the visit.
    /// </summary>
    private async Task ReplanAsync(Appointment appointment, DateTimeOffset now, CancellationToken ct)
    {
        var waiting = await db.Reminders.AsNoTracking()
            .Where(r => r.AppointmentId == appointment.Id && r.Template == AppointmentTexts.Reminder && r.Status == ReminderStatus.Scheduled)
            .OrderBy(r => r.ScheduledTime).Select(r => r.Id).ToListAsync(ct);
        var ahead = AppointmentPlans.Expand(Plan(appointment.Plan), appointment.StartsAt, _quiet, now).Where(t => t.Skip is null).Select(t => t.At).ToList();
        var added = new List<Reminder>();
        for (var i = 0; i < Math.Max(waiting.Count, ahead.Count); i++)
        {
            if (i >= ahead.Count)
            {
                await transitions.CancelAsync(waiting[i], ct);
                continue;
            }
            var at = ahead[i];
            // Only while still scheduled: a dispatcher that claimed it meanwhile sends it (written afresh, with the new time).
            if (i >= waiting.Count || await db.Reminders.Where(r => r.Id == waiting[i] && r.Status == ReminderStatus.Scheduled)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.ScheduledTime, at).SetProperty(r => r.UpdatedAt, now), ct) == 0)
            {
                added.Add(PlanReminder(appointment, at, null, now));
            }
        }
        var inviteAt = appointment.StartsAt + options.Value.FeedbackInviteAfter;
        await db.Reminders.Where(r => r.AppointmentId == appointment.Id && r.Kind == ReminderKinds.FeedbackInvite && r.Status == ReminderStatus.Scheduled)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ScheduledTime, inviteAt).SetProperty(r => r.UpdatedAt, now), ct);
        db.Reminders.AddRange(added);
        await db.SaveChangesAsync(ct);
        metrics.ReminderTransitions(ReminderStatus.Scheduled, added.Count);
    }

    /// <summary>One notice (moved, cancelled) due now; an unsent moved notice already waiting says the new time when it goes, so no second is added.</summary>
    private async Task NoticeAsync(Appointment appointment, string template, DateTimeOffset now, CancellationToken ct)
    {
        if (template == AppointmentTexts.Moved && await db.Reminders.AnyAsync(
                r => r.AppointmentId == appointment.Id && r.Template == AppointmentTexts.Moved && r.Status == ReminderStatus.Scheduled, ct))
        {
            return;
        }
        db.Reminders.Add(Row(appointment, template, "reminder", now, ReminderStatus.Scheduled, null, confirm: false, now));
        await db.SaveChangesAsync(ct);
        metrics.ReminderTransitions(ReminderStatus.Scheduled);
    }

    private IEnumerable<Reminder> PlanReminders(Appointment appointment, DateTimeOffset now) =>
        AppointmentPlans.Expand(Plan(appointment.Plan), appointment.StartsAt, _quiet, now)
            .Where(t => t.Skip != AppointmentPlans.NotBeforeVisit)
            .Select(t => PlanReminder(appointment, t.At, t.Skip, now));

    private Reminder PlanReminder(Appointment appointment, DateTimeOffset at, string? skip, DateTimeOffset now) =>
        Row(appointment, AppointmentTexts.Reminder, "reminder", at, skip is null ? ReminderStatus.Scheduled : ReminderStatus.Skipped, skip, confirm: true, now);

    private Reminder Invite(Appointment appointment, DateTimeOffset now) =>
        Row(appointment, AppointmentTexts.FeedbackInvite, ReminderKinds.FeedbackInvite, appointment.StartsAt + options.Value.FeedbackInviteAfter,
            ReminderStatus.Scheduled, null, confirm: false, now);

    private Reminder Row(Appointment appointment, string template, string kind, DateTimeOffset at, string status, string? reason, bool confirm, DateTimeOffset now)
    {
        var language = Languages.FromCode(appointment.Patient.PreferredLanguage) ?? Language.French;
        var reminder = new Reminder
        {
            Patient = appointment.Patient,
            Appointment = appointment,
            Message = "",
            Language = language.Code(),
            ScheduledTime = at,
            PhoneNumber = appointment.PhoneNumber,
            Email = appointment.Email,
            Channels = [appointment.Channel],
            Status = status,
            Reason = reason,
            Kind = kind,
            Template = template,
            Confirm = confirm,
            CreatedAt = now,
            UpdatedAt = now,
        };
        // Written now for staff to read; written again in the patient's language of the day when it goes.
        reminder.Message = wording.Write(reminder, language) ?? "";
        return reminder;
    }

    private List<AppointmentPlanStep> Plan(string name) => options.Value.Plans[name];

    /// <summary>A transaction of our own, or none when the caller has one (a FHIR transaction Bundle: all of it or nothing).</summary>
    private async Task<IDbContextTransaction?> BeginAsync(CancellationToken ct) =>
        db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;

    private static async Task CommitAsync(IDbContextTransaction? transaction, CancellationToken ct)
    {
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
    }

    /// <summary>The patient by the hospital's id, made on first sight; the phone is theirs if no other patient has it.</summary>
    private async Task<Patient> PatientAsync(AppointmentRequest wanted, DateTimeOffset now, CancellationToken ct)
    {
        var language = Languages.FromCode(wanted.Language) is { } l ? l.Code() : null;
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO patients (external_id, preferred_language, created_at, updated_at) VALUES ({wanted.PatientId}, {language}, {now}, {now}) ON CONFLICT (external_id) DO NOTHING",
            ct);
        var patient = await db.Patients.FirstAsync(p => p.ExternalId == wanted.PatientId, ct);
        if (wanted.Phone is not null && patient.PhoneHash is null && hasher.Hash(wanted.Phone) is var hash
            && !await db.Patients.AnyAsync(p => p.PhoneHash == hash, ct))
        {
            (patient.Phone, patient.PhoneHash, patient.UpdatedAt) = (wanted.Phone, hash, now);
        }
        return patient;
    }

    /// <summary>Null when the request can be acted on; else why not, naming the field.</summary>
    private AppointmentUpsertResult? Check(AppointmentRequest request, DateTimeOffset now)
    {
        var patientId = request.PatientId?.Trim();
        if (string.IsNullOrEmpty(patientId) || patientId.Length > 64 || !patientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return AppointmentUpsertResult.Refused("patient_id", "patient_id is required: up to 64 letters, digits, '-' or '_'.", code: "patient_id");
        }
        if (request.ExternalId is { } externalId && (externalId.Trim().Length is 0 or > 64 || externalId.Any(char.IsControl)))
        {
            return AppointmentUpsertResult.Refused("external_id", "external_id holds 1 to 64 characters.", code: "external_id_length");
        }
        if (request.Phone is not null && AppointmentPhones.Normalize(request.Phone) is null)
        {
            return AppointmentUpsertResult.Refused("phone", "phone is not a valid number (E.164, or Cameroon without a country code).", code: "phone");
        }
        if (request.Email is not null && !Email.EmailAddresses.IsValid(request.Email))
        {
            return AppointmentUpsertResult.Refused("email", "email must be one address, as name@domain.example.", code: "email");
        }
        var channel = Channel(request);
        if (channel is null || !ChannelNames.Contains(channel))
        {
            return AppointmentUpsertResult.Refused("channel", "channel must be sms, whatsapp, voice or email (with a phone or an email to send to).", code: "channel");
        }
        if (channel == "email" ? request.Email is null : request.Phone is null)
        {
            return AppointmentUpsertResult.Refused(channel == "email" ? "email" : "phone", $"{(channel == "email" ? "an email" : "a phone")} is needed for {channel}.",
                code: channel == "email" ? "email_needed" : "phone_needed", args: [channel]);
        }
        if (hospital.Value.KnownDepartment(request.Department) is null)
        {
            return AppointmentUpsertResult.Refused("department", $"department must be one of {string.Join(", ", hospital.Value.DepartmentNames)} (any case, spaces for '_').",
                code: "department", args: [string.Join(", ", hospital.Value.DepartmentNames)]);
        }
        if (PlanName(request.Plan) is null)
        {
            return AppointmentUpsertResult.Refused("plan", $"plan must be one of {string.Join(", ", options.Value.Plans.Keys)}.", code: "plan", args: [string.Join(", ", options.Value.Plans.Keys)]);
        }
        if (request.StartsAt <= now)
        {
            return AppointmentUpsertResult.Refused("starts_at", "starts_at is in the past.", code: "starts_at_past");
        }
        return null;
    }

    private AppointmentRequest Normalized(AppointmentRequest request) => request with
    {
        PatientId = request.PatientId!.Trim(),
        ExternalId = request.ExternalId?.Trim(),
        Phone = request.Phone is null ? null : AppointmentPhones.Normalize(request.Phone),
        Email = request.Email is null ? null : Email.EmailAddresses.TryParse(request.Email, out var address) ? address : null,
        Channel = Channel(request),
        Department = hospital.Value.KnownDepartment(request.Department),
        Plan = PlanName(request.Plan),
        StartsAt = request.StartsAt.ToUniversalTime(),
    };

    /// <summary>The plan's name as configured (null: the default), matched without regard to case; null when there is no such plan.</summary>
    private string? PlanName(string? plan) =>
        options.Value.Plans.Keys.FirstOrDefault(k => string.Equals(k, plan?.Trim() ?? AppointmentOptions.DefaultPlan, StringComparison.OrdinalIgnoreCase));

    private static string? Channel(AppointmentRequest request) =>
        request.Channel?.Trim().ToLowerInvariant() ?? (request.Phone is not null ? "sms" : request.Email is not null ? "email" : null);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Debug, Message = "Appointment {AppointmentId} made on plan {Plan}: {Scheduled} reminders scheduled, {Skipped} skipped (already past)")]
    private static partial void LogCreated(ILogger logger, Guid appointmentId, string plan, int scheduled, int skipped);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Debug, Message = "Appointment {AppointmentId} changed (moved: {Moved})")]
    private static partial void LogUpdated(ILogger logger, Guid appointmentId, bool moved);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Information, Message = "Appointment {AppointmentId} cancelled: {Cleared} unsent reminders cleared, a notice sent")]
    private static partial void LogCancelled(ILogger logger, Guid appointmentId, int cleared);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Information, Message = "Appointment {AppointmentId} marked {Status}: {Cleared} unsent reminders cleared")]
    private static partial void LogVisit(ILogger logger, Guid appointmentId, string status, int cleared);
}
