using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Appointments;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>
/// Appointment changes in the audit log, from the REST API and from FHIR alike: who (the token's user), what (<c>create</c>,
/// <c>update</c>, <c>cancel</c>, <c>attended</c>, <c>no_show</c>) and which appointment — its id, and the FHIR resource when it came
/// that way; never the patient's number, phone or email.
/// </summary>
public static class AppointmentAudit
{
    /// <summary>
    /// Records what <paramref name="result"/> did; nothing when it was unchanged or refused. <paramref name="status"/> is the status
    /// asked for (null for a create or an update of time, department or contact).
    /// </summary>
    public static Task RecordAsync(this AuditLog audit, HttpContext context, AppointmentUpsertResult result, string? status, CancellationToken ct,
        string? fhirResource = null)
    {
        var action = result.Outcome switch
        {
            AppointmentUpsertOutcome.Created => "create",
            AppointmentUpsertOutcome.Updated => status switch { null => "update", AppointmentStatus.Cancelled => "cancel", _ => status },
            _ => null,
        };
        return action is null
            ? Task.CompletedTask
            : audit.RecordAsync(context, action, $"appointment {result.Appointment!.Id}" + (fhirResource is null ? "" : $" (FHIR {fhirResource})"), ct);
    }
}
