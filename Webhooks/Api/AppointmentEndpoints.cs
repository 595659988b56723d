using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>
/// Appointments through the REST API: make or update (by external_id), read, list (declined and no-show ones for staff to call), move,
/// cancel, and what happened at the visit (attended, no_show); every change audited.
/// </summary>
public static class AppointmentEndpoints
{
    public static IEndpointRouteBuilder MapAppointmentApi(this IEndpointRouteBuilder api)
    {
        var v1 = api.MapGroup("/api/v1/appointments").WithTags("Appointments").RequireAuthorization(StaffAuth.StaffPolicy)
            .RequireRateLimiting(RateLimitOptions.ApiPolicy);
        v1.MapPost("/", CreateAsync).WithName("CreateAppointment");
        v1.MapGet("/", ListAsync).WithName("ListAppointments");
        v1.MapGet("/{id:guid}", GetAsync).WithName("GetAppointment");
        v1.MapPatch("/{id:guid}", PatchAsync).WithName("EditAppointment");
        v1.MapPost("/import", AppointmentImport.PostAsync).WithName("ImportAppointments")
            .WithSummary("Makes or updates an appointment per row of a .csv or .xlsx file (by external_id); reports each row.");
        return api;
    }

    internal static async Task<Results<Created<AppointmentResponse>, Ok<AppointmentResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        AppointmentCreate body, AppointmentService appointments, IOptions<ReminderOptions> reminders, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var startsAt = AppointmentTimes.Parse(body.StartsAt, Zone(reminders), localAllowed: false);
        if (startsAt is null)
        {
            return Invalid("starts_at", "starts_at must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00+01:00.");
        }
        var result = await appointments.UpsertAsync(new AppointmentRequest(body.PatientId, body.PhoneNumber, body.Email, body.Channel, body.Department,
            startsAt.Value, body.ExternalId, body.Plan, body.Language), cancellationToken);
        await audit.RecordAsync(context, result, null, cancellationToken);
        if (result.Outcome == AppointmentUpsertOutcome.Refused)
        {
            return IsInvalid(result) ? Invalid(result) : Problem(result);
        }
        return result.Outcome == AppointmentUpsertOutcome.Created
            ? TypedResults.Created($"/api/v1/appointments/{result.Appointment!.Id}", ToResponse(result.Appointment, result.Outcome))
            : TypedResults.Ok(ToResponse(result.Appointment!, result.Outcome));
    }

    internal static async Task<Results<Ok<AppointmentResponse>, ProblemHttpResult>> GetAsync(Guid id, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var appointment = await db.Appointments.AsNoTracking().Include(a => a.Patient).FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (appointment is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No appointment {id}.");
        }
        var reminders = await db.Reminders.AsNoTracking().Where(r => r.AppointmentId == id).OrderBy(r => r.ScheduledTime).ThenBy(r => r.Id)
            .Select(r => new AppointmentReminderResponse(r.Id, r.Kind, r.Template, r.ScheduledTime, r.Status, r.Reason)).ToListAsync(cancellationToken);
        return TypedResults.Ok(ToResponse(appointment) with { Reminders = reminders });
    }

    internal static async Task<Results<Ok<AppointmentPage>, ValidationProblem>> ListAsync(
        FeedbackDbContext db, CancellationToken cancellationToken, string? status = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "patient_id")] string? patientId = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "external_id")] string? externalId = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int? cursor = null, int limit = 20)
    {
        if (limit is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be from 1 to 100."] });
        }
        if (status is not null && !AppointmentStatus.All.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"status must be one of {string.Join(", ", AppointmentStatus.All)}."] });
        }
        var query = db.Appointments.AsNoTracking().Include(a => a.Patient).AsQueryable();
        query = status is null ? query : query.Where(a => a.Status == status);
        query = patientId is null ? query : query.Where(a => a.Patient.ExternalId == patientId);
        query = externalId is null ? query : query.Where(a => a.ExternalId == externalId);
        query = from is { } f ? query.Where(a => a.StartsAt >= f.ToUniversalTime()) : query;
        query = to is { } t ? query.Where(a => a.StartsAt < t.ToUniversalTime()) : query;
        // The cursor is how many came before: the list is ordered by time, which moves, so no key would hold.
        var skip = Math.Max(cursor ?? 0, 0);
        var rows = await query.OrderBy(a => a.StartsAt).ThenBy(a => a.Id).Skip(skip).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(a => ToResponse(a)).ToList();
        return TypedResults.Ok(new AppointmentPage(items, rows.Count > limit ? (skip + limit).ToString(CultureInfo.InvariantCulture) : null));
    }

    internal static async Task<Results<Ok<AppointmentResponse>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        Guid id, AppointmentPatch patch, AppointmentService appointments, IOptions<ReminderOptions> reminders, AuditLog audit, HttpContext context,
        CancellationToken cancellationToken)
    {
        if (patch.Status is not (null or AppointmentStatus.Cancelled or AppointmentStatus.Attended or AppointmentStatus.NoShow))
        {
            return Invalid("status", "status can be set to cancelled, or once the visit has started to attended or no_show.");
        }
        if (patch.Status is not null && (patch.StartsAt is not null || patch.Department is not null))
        {
            return Invalid("status", "a change of status changes nothing else: send status alone.");
        }
        DateTimeOffset? startsAt = null;
        if (patch.StartsAt is not null && (startsAt = AppointmentTimes.Parse(patch.StartsAt, Zone(reminders), localAllowed: false)) is null)
        {
            return Invalid("starts_at", "starts_at must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00+01:00.");
        }
        var result = patch.Status switch
        {
            null => await appointments.ChangeAsync(id, startsAt, patch.Department, cancellationToken),
            AppointmentStatus.Cancelled => await appointments.CancelAsync(id, cancellationToken),
            var visit => await appointments.RecordVisitAsync(id, visit, cancellationToken),
        };
        await audit.RecordAsync(context, result, patch.Status, cancellationToken);
        if (result.Outcome == AppointmentUpsertOutcome.Refused)
        {
            return IsInvalid(result) ? Invalid(result) : Problem(result);
        }
        return TypedResults.Ok(ToResponse(result.Appointment!, result.Outcome));
    }

    private static TimeZoneInfo Zone(IOptions<ReminderOptions> reminders) => TimeZoneInfo.FindSystemTimeZoneById(reminders.Value.TimeZone);

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Bad input is 400 naming the field (<see cref="Invalid"/>); an unknown appointment 404; one that can no longer change 409.</summary>
    private static bool IsInvalid(AppointmentUpsertResult result) => result.Refusal is null or AppointmentRefusal.Invalid;

    private static ValidationProblem Invalid(AppointmentUpsertResult result) => Invalid(result.Field ?? "body", result.Reason ?? "The appointment was refused.");

    private static ProblemHttpResult Problem(AppointmentUpsertResult result) => TypedResults.Problem(
        statusCode: result.Refusal == AppointmentRefusal.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, title: result.Reason);

    internal static AppointmentResponse ToResponse(Appointment a, AppointmentUpsertOutcome? outcome = null) => new(
        a.Id, a.Patient.ExternalId, a.ExternalId, a.Department, a.StartsAt, a.Plan, a.Status, a.Channel, a.PhoneNumber, a.Email, a.UpdatedAt,
        outcome?.ToString().ToLowerInvariant());
}
