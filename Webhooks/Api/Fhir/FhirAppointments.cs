using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.Options;
using AppointmentStatus = TwilioFeedback.Persistence.AppointmentStatus;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Hospital;

namespace TwilioFeedback.Webhooks.Api.Fhir;

/// <summary>
/// What one FHIR Appointment asks of us, by its resource id: an appointment to make or update (<paramref name="Upsert"/>), or
/// only a status to set — <see cref="AppointmentStatus.Cancelled"/>, <see cref="AppointmentStatus.Attended"/> or <see cref="AppointmentStatus.NoShow"/>.
/// </summary>
public sealed record FhirAppointmentChange(string ExternalId, AppointmentRequest? Upsert, string? Status = null)
{
    public bool Cancel => Status == AppointmentStatus.Cancelled;

    /// <summary>The resource as a FHIR reference, <c>Appointment/{id}</c>.</summary>
    public string Resource => "Appointment/" + ExternalId[FhirAppointments.ExternalIdPrefix.Length..];
}

/// <summary>
/// Maps an R4 Appointment and its Patient participant (contained, or found by reference in the same Bundle) onto an
/// <see cref="AppointmentRequest"/>: the resource id is the external id (<c>fhir:{id}</c>), the Patient's identifier the
/// patient id, its phone/SMS telecom (mobile first) and email where the reminders go, its preferred language the new
/// patient's language, a <c>serviceType</c> naming a known department the department. <c>cancelled</c> and
/// <c>entered-in-error</c> cancel it; <c>arrived</c>, <c>checked-in</c> and <c>fulfilled</c> mark it attended, <c>noshow</c> no_show
/// (a status alone: the rest of the resource is not read).
/// </summary>
public sealed class FhirAppointments(IOptions<HospitalOptions> hospital)
{
    public const string ExternalIdPrefix = "fhir:";

    /// <summary>The change, or the refusal (an OperationOutcome issue naming the element, for a 422).</summary>
    public (FhirAppointmentChange? Change, OperationOutcome? Refused) Map(Appointment appointment, string id, Func<string, Patient?> findPatient)
    {
        if (id.Length > 64 - ExternalIdPrefix.Length)
        {
            return Refuse("Appointment.id", $"Appointment.id may have at most {64 - ExternalIdPrefix.Length} characters here.");
        }
        var externalId = ExternalIdPrefix + id;
        if (StatusOf(appointment.Status) is { } status)
        {
            return (new FhirAppointmentChange(externalId, null, status), null);
        }
        if (appointment.StartElement?.Value is not { } startsAt)
        {
            return Refuse("Appointment.start", "Appointment.start is required: when the patient is expected, with an offset.");
        }
        var references = appointment.Participant.Select(p => p.Actor?.Reference).OfType<string>().ToList();
        var patient = references.Select(r => r.StartsWith('#')
                ? appointment.Contained.OfType<Patient>().FirstOrDefault(c => "#" + c.Id == r)
                : findPatient(r)).OfType<Patient>().FirstOrDefault();
        if (patient is null)
        {
            return Refuse("Appointment.participant",
                "Appointment.participant must include the Patient, contained (actor.reference \"#id\") or in the same Bundle, with its telecom.");
        }
        var patientId = patient.Identifier.Select(i => i.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))
            ?? (references.Any(r => r.StartsWith('#')) ? null : patient.Id);
        if (patientId is null)
        {
            return Refuse("Patient.identifier", "The Patient needs an identifier (the hospital's patient number).");
        }
        var phones = patient.Telecom.Where(t => t.System is ContactPoint.ContactPointSystem.Phone or ContactPoint.ContactPointSystem.Sms && !string.IsNullOrWhiteSpace(t.Value))
            .OrderBy(t => t.Use == ContactPoint.ContactPointUse.Mobile ? 0 : 1).ThenBy(t => t.Rank ?? int.MaxValue).Select(t => t.Value).ToList();
        var email = patient.Telecom.Where(t => t.System == ContactPoint.ContactPointSystem.Email).Select(t => t.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (phones.Count == 0 && email is null)
        {
            return Refuse("Patient.telecom", "The Patient needs a telecom to remind them by: a phone (system phone or sms) or an email.");
        }
        var language = patient.Communication.OrderBy(c => c.Preferred == true ? 0 : 1)
            .SelectMany(c => c.Language?.Coding ?? []).Select(c => c.Code).FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
        var names = appointment.ServiceType.SelectMany(s => s.Coding.SelectMany(c => new[] { c.Display, c.Code }).Append(s.Text))
            .Concat(appointment.Specialty.SelectMany(s => s.Coding.SelectMany(c => new[] { c.Display, c.Code }).Append(s.Text)))
            .OfType<string>().ToList();
        var department = names.Select(hospital.Value.KnownDepartment).OfType<string>().FirstOrDefault() ?? names.FirstOrDefault();
        return (new FhirAppointmentChange(externalId, new AppointmentRequest(
            patientId, phones.FirstOrDefault(), email, Channel: null, department, startsAt, externalId, Plan: null, Language: language?.Trim().ToLowerInvariant())), null);
    }

    /// <summary>The FHIR element an <see cref="AppointmentRequest"/> field came from, for the OperationOutcome's expression.</summary>
    public static string Element(string? field) => field switch
    {
        "patient_id" => "Patient.identifier",
        "phone" or "email" or "channel" => "Patient.telecom",
        "department" => "Appointment.serviceType",
        "starts_at" => "Appointment.start",
        "external_id" => "Appointment.id",
        "language" => "Patient.communication",
        _ => "Appointment",
    };

    /// <summary>The status a FHIR status sets on its own, or null for one that books (proposed, pending, booked, waitlist, none).</summary>
    public static string? StatusOf(Appointment.AppointmentStatus? status) => status switch
    {
        Appointment.AppointmentStatus.Cancelled or Appointment.AppointmentStatus.EnteredInError => AppointmentStatus.Cancelled,
        Appointment.AppointmentStatus.Arrived or Appointment.AppointmentStatus.CheckedIn or Appointment.AppointmentStatus.Fulfilled => AppointmentStatus.Attended,
        Appointment.AppointmentStatus.Noshow => AppointmentStatus.NoShow,
        _ => null,
    };

    private static (FhirAppointmentChange?, OperationOutcome?) Refuse(string expression, string diagnostics) =>
        (null, FhirOutcomes.Outcome(OperationOutcome.IssueType.Processing, diagnostics, expression));
}
