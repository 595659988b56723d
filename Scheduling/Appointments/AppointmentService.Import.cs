using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>
/// A hospital's list at once: every row checked first (a bad one is refused and never holds up the others), a
/// second row of the same external_id reported rather than written, appointments that exist changed one by one as
/// <see cref="UpsertAsync"/> does, and the new ones written <see cref="ImportChunk"/> to a transaction, with their
/// patients in two statements and the appointments and reminders by COPY. A chunk that fails for a reason not its rows' own (another import
/// of the same list writing the same ids at once) is done again row by row, so no row is lost or written twice.
/// </summary>
public sealed partial class AppointmentService
{
    /// <summary>New appointments written in one transaction.</summary>
    public const int ImportChunk = 500;

    /// <summary>What became of each row, in the order given; <paramref name="rows"/> carry the row numbers the report names.</summary>
    public async Task<IReadOnlyList<AppointmentUpsertResult>> ImportAsync(IReadOnlyList<(int Row, AppointmentRequest Request)> rows, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var results = new AppointmentUpsertResult?[rows.Count];
        var wanted = new AppointmentRequest?[rows.Count];
        var firstOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = new List<(int Index, int First)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var request = rows[i].Request;
            if (request.ExternalId is null)
            {
                // Without the hospital's id a second import would make the appointment again.
                results[i] = AppointmentUpsertResult.Refused("external_id", "external_id is needed: it is what makes a second import update rather than duplicate.",
                    code: "external_id_missing");
            }
            else if (Check(request, now) is { } refused)
            {
                results[i] = refused;
            }
            else if (Normalized(request) is var normal && firstOf.TryGetValue(normal.ExternalId!, out var first))
            {
                wanted[i] = normal;
                repeats.Add((i, first));
            }
            else
            {
                (wanted[i], firstOf[normal.ExternalId!]) = (normal, i);
            }
        }
        foreach (var chunk in firstOf.Values.Order().Chunk(ImportChunk))
        {
            await ImportChunkAsync(chunk, rows, wanted, results, now, ct);
        }
        foreach (var (index, first) in repeats)
        {
            var row = rows[first].Row.ToString(System.Globalization.CultureInfo.InvariantCulture);
            results[index] = wanted[index] != wanted[first]
                ? AppointmentUpsertResult.Refused("external_id", $"external_id {wanted[index]!.ExternalId} is on row {row} already, with other values: one row per appointment.",
                    code: "duplicate_in_file", args: [row])
                : results[first]!.Outcome == AppointmentUpsertOutcome.Refused
                    ? results[first]!
                    : new(AppointmentUpsertOutcome.Unchanged, results[first]!.Appointment, $"The same as row {row}.", Code: "repeat_in_file", Args: [row]);
        }
        return results!;
    }

    private async Task ImportChunkAsync(int[] chunk, IReadOnlyList<(int Row, AppointmentRequest Request)> rows, AppointmentRequest?[] wanted,
        AppointmentUpsertResult?[] results, DateTimeOffset now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var ids = chunk.Select(i => wanted[i]!.ExternalId!).ToList();
        var existing = await db.Appointments.Include(a => a.Patient).Where(a => ids.Contains(a.ExternalId!)).ToDictionaryAsync(a => a.ExternalId!, StringComparer.Ordinal, ct);
        foreach (var i in chunk.Where(i => existing.ContainsKey(wanted[i]!.ExternalId!)))
        {
            // Moves and changes are few in a list and each has its own notices: the one-row path, unchanged.
            results[i] = await UpdateAsync(existing[wanted[i]!.ExternalId!], wanted[i]!, now, ct);
        }
        db.ChangeTracker.Clear();
        var fresh = chunk.Where(i => !existing.ContainsKey(wanted[i]!.ExternalId!)).ToList();
        if (fresh.Count == 0)
        {
            return;
        }
        try
        {
            var made = await CreateManyAsync(fresh.Select(i => wanted[i]!).ToList(), now, ct);
            for (var k = 0; k < fresh.Count; k++)
            {
                results[fresh[k]] = made[k];
            }
        }
        catch (Exception e) when (e is DbUpdateException or PostgresException && !ct.IsCancellationRequested)
        {
            // Not the rows' fault (an id written meanwhile by another import, a deadlock): each row again on its own.
            LogChunkRetried(logger, fresh.Count, (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState);
            db.ChangeTracker.Clear();
            foreach (var i in fresh)
            {
                results[i] = await UpsertOneAsync(rows[i].Row, rows[i].Request, ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>One row after its chunk failed; a row the database still refuses is reported, and the others go on.</summary>
    private async Task<AppointmentUpsertResult> UpsertOneAsync(int row, AppointmentRequest request, CancellationToken ct)
    {
        try
        {
            return await UpsertAsync(request, ct);
        }
        catch (Exception e) when (e is DbUpdateException or PostgresException && !ct.IsCancellationRequested)
        {
            LogRowNotSaved(logger, row, (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState);
            return AppointmentUpsertResult.Refused("row", "The database did not take this row; import the list again to retry it.", code: "not_saved");
        }
    }

    /// <summary>New appointments (distinct external ids, none in the database when looked up) in one transaction.</summary>
    private async Task<List<AppointmentUpsertResult>> CreateManyAsync(List<AppointmentRequest> requests, DateTimeOffset now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var patients = await PatientsAsync(requests, now, ct);
        var results = new List<AppointmentUpsertResult>(requests.Count);
        var appointments = new List<Appointment>(requests.Count);
        var reminders = new List<Reminder>(requests.Count * 4);
        foreach (var request in requests)
        {
            var patient = patients[request.PatientId!];
            var (appointment, made) = Made(request, patient, now);
            appointment.PatientId = patient.Id;
            made.ForEach(r => (r.PatientId, r.AppointmentId) = (patient.Id, appointment.Id));
            appointments.Add(appointment);
            reminders.AddRange(made);
            results.Add(new(AppointmentUpsertOutcome.Created, appointment));
        }
        await db.SaveChangesAsync(ct); // the patients' phones
        // COPY, not an INSERT per row: PostgreSQL's time per row was most of the import's.
        await AppointmentCopy.WriteAsync(db, appointments, ct);
        await AppointmentCopy.WriteAsync(db, reminders, ct);
        await transaction.CommitAsync(ct);
        var scheduled = reminders.Count(r => r.Status == ReminderStatus.Scheduled);
        metrics.ReminderTransitions(ReminderStatus.Scheduled, scheduled);
        LogImported(logger, requests.Count, scheduled, reminders.Count - scheduled);
        return results;
    }

    /// <summary>
    /// The patients of <paramref name="requests"/> by the hospital's id, made on first sight with the language of their first row;
    /// as in <see cref="PatientAsync"/>, a phone becomes a patient's if they have none and no other patient has it.
    /// </summary>
    private async Task<Dictionary<string, Patient>> PatientsAsync(List<AppointmentRequest> requests, DateTimeOffset now, CancellationToken ct)
    {
        // In one order for every import, so two imports of one list wait for each other rather than deadlock.
        var first = requests.GroupBy(r => r.PatientId!, StringComparer.Ordinal).Select(g => g.First()).OrderBy(r => r.PatientId, StringComparer.Ordinal).ToList();
        var ids = first.Select(r => r.PatientId!).ToArray();
        var languages = first.Select(r => Languages.FromCode(r.Language) is { } l ? l.Code() : null).ToArray();
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO patients (external_id, preferred_language, created_at, updated_at) SELECT e, l, {now}, {now} FROM unnest({ids}, {languages}) AS t(e, l) ON CONFLICT (external_id) DO NOTHING",
            ct);
        var patients = await db.Patients.Where(p => ids.Contains(p.ExternalId)).ToDictionaryAsync(p => p.ExternalId, StringComparer.Ordinal, ct);
        var hashes = requests.Where(r => r.Phone is not null).Select(r => r.Phone!).Distinct(StringComparer.Ordinal).ToDictionary(p => p, hasher.Hash, StringComparer.Ordinal);
        var wanted = hashes.Values.ToList();
        var taken = (await db.Patients.Where(p => p.PhoneHash != null && wanted.Contains(p.PhoneHash)).Select(p => p.PhoneHash!).ToListAsync(ct))
            .Select(Convert.ToHexString).ToHashSet(StringComparer.Ordinal);
        foreach (var request in requests.Where(r => r.Phone is not null))
        {
            var patient = patients[request.PatientId!];
            if (patient.PhoneHash is null && taken.Add(Convert.ToHexString(hashes[request.Phone!])))
            {
                (patient.Phone, patient.PhoneHash, patient.UpdatedAt) = (request.Phone, hashes[request.Phone!], now);
            }
        }
        return patients;
    }

    /// <summary>A new appointment of <paramref name="wanted"/> (checked and normalized) and its plan's reminders with the feedback invite.</summary>
    private (Appointment Appointment, List<Reminder> Reminders) Made(AppointmentRequest wanted, Patient patient, DateTimeOffset now)
    {
        var appointment = new Appointment
        {
            Id = Guid.CreateVersion7(now),
            Patient = patient,
            ExternalId = wanted.ExternalId,
            PhoneNumber = wanted.Phone,
            Email = wanted.Email,
            Channel = wanted.Channel!,
            Department = wanted.Department!,
            StartsAt = wanted.StartsAt,
            Plan = wanted.Plan!,
            Status = AppointmentStatus.Scheduled,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var reminders = PlanReminders(appointment, now).ToList();
        reminders.Add(Invite(appointment, now));
        return (appointment, reminders);
    }

    [LoggerMessage(EventId = 5321, Level = LogLevel.Information, Message = "Import: {Count} appointments made in one transaction, {Scheduled} reminders scheduled, {Skipped} skipped (already past)")]
    private static partial void LogImported(ILogger logger, int count, int scheduled, int skipped);

    [LoggerMessage(EventId = 5322, Level = LogLevel.Warning, Message = "Import: a chunk of {Count} new appointments failed (SQL state {SqlState}); its rows are written one by one")]
    private static partial void LogChunkRetried(ILogger logger, int count, string? sqlState);

    [LoggerMessage(EventId = 5323, Level = LogLevel.Warning, Message = "Import: row {Row} was not saved (SQL state {SqlState})")]
    private static partial void LogRowNotSaved(ILogger logger, int row, string? sqlState);
}
