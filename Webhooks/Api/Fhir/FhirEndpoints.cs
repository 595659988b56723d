using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using AppointmentStatus = TwilioFeedback.Persistence.AppointmentStatus;
using FeedbackDbContext = TwilioFeedback.Persistence.FeedbackDbContext;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace TwilioFeedback.Webhooks.Api.Fhir;

/// <summary>
/// HL7 FHIR R4 for a hospital's integration engine: <c>PUT /api/v1/fhir/Appointment/{id}</c>, <c>POST /api/v1/fhir/Appointment</c>
/// and a batch or transaction Bundle at <c>POST /api/v1/fhir</c>, in <c>application/fhir+json</c>; bad input is an OperationOutcome
/// (400 unreadable, 422 not usable, 415 another media type), never a 500. A transaction is all or nothing; every change is audited.
/// </summary>
public static partial class FhirEndpoints
{
    public const string Base = "/api/v1/fhir";
    public const int MaxBodyBytes = 1024 * 1024;

    // Strict: an unknown element, a wrong code or a bad date is refused with the SDK's own words.
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex FhirId();

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder api)
    {
        // No Accepts metadata: routing would answer another media type with a ProblemDetails 415; ReadAsync answers an OperationOutcome.
        var fhir = api.MapGroup(Base).WithTags("FHIR").RequireAuthorization(StaffAuth.StaffPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        fhir.MapPut("/Appointment/{id}", PutAsync).WithName("FhirPutAppointment")
            .WithSummary("Creates, updates (e.g. a moved start) or cancels (status cancelled) the appointment with this FHIR resource id.")
            .Produces(StatusCodes.Status200OK, contentType: FhirOutcomes.ContentType);
        fhir.MapPost("/Appointment", PostAsync).WithName("FhirPostAppointment")
            .WithSummary("The same as PUT, by the resource's id (or, without one, its first identifier).")
            .Produces(StatusCodes.Status201Created, contentType: FhirOutcomes.ContentType);
        fhir.MapPost("/", BundleAsync).WithName("FhirBundle")
            .WithSummary("A batch or transaction Bundle of Appointments and the Patients they reference; answers a batch-response or transaction-response Bundle.")
            .Produces(StatusCodes.Status200OK, contentType: FhirOutcomes.ContentType);
        return api;
    }

    internal static async Task<IResult> PutAsync(
        string id, HttpRequest request, FhirAppointments mapper, AppointmentService appointments, AuditLog audit, CancellationToken cancellationToken)
    {
        var (appointment, refused) = await ReadAsync<Appointment>(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        if (!FhirId().IsMatch(id))
        {
            return Refuse(StatusCodes.Status400BadRequest, IssueType.Value, "The id in the URL must be a FHIR id (1 to 64 letters, digits, '-' or '.').", "Appointment.id");
        }
        if (appointment!.Id is { } bodyId && bodyId != id)
        {
            return Refuse(StatusCodes.Status400BadRequest, IssueType.Invalid, $"Appointment.id ({bodyId}) must be the id in the URL ({id}).", "Appointment.id");
        }
        return await ApplyAsync(appointment, id, mapper, appointments, audit, request.HttpContext, cancellationToken);
    }

    internal static async Task<IResult> PostAsync(
        HttpRequest request, FhirAppointments mapper, AppointmentService appointments, AuditLog audit, CancellationToken cancellationToken)
    {
        var (appointment, refused) = await ReadAsync<Appointment>(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        if (IdOf(appointment!) is not { } id)
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, IssueType.Required,
                "The Appointment needs an id or an identifier (1 to 64 letters, digits, '-' or '.'): later updates and the cancel find it by that.", "Appointment.id");
        }
        return await ApplyAsync(appointment!, id, mapper, appointments, audit, request.HttpContext, cancellationToken);
    }

    internal static async Task<IResult> BundleAsync(
        HttpRequest request, FhirAppointments mapper, AppointmentService appointments, AuditLog audit, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var (bundle, refused) = await ReadAsync<Bundle>(request, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        if (bundle!.Type is not (Bundle.BundleType.Batch or Bundle.BundleType.Transaction))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, IssueType.NotSupported, "Bundle.type must be batch or transaction.", "Bundle.type");
        }
        // Patients by every name an Appointment may give them: the entry's fullUrl and Patient/{id}.
        var patients = new Dictionary<string, Patient>(StringComparer.Ordinal);
        foreach (var entry in bundle.Entry)
        {
            if (entry.Resource is not Patient patient)
            {
                continue;
            }
            if (entry.FullUrl is { Length: > 0 } fullUrl)
            {
                patients[fullUrl] = patient;
            }
            if (patient.Id is { Length: > 0 } patientId)
            {
                patients["Patient/" + patientId] = patient;
            }
        }
        Patient? Find(string reference) => patients.GetValueOrDefault(reference)
            ?? patients.FirstOrDefault(p => p.Key.EndsWith("/" + reference, StringComparison.Ordinal)).Value;

        // Each Appointment mapped first: in a transaction, one that cannot be used refuses the whole Bundle before anything is done.
        var changes = new List<(int Index, Appointment Appointment, string? Id)>();
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            if (bundle.Entry[i].Resource is Appointment appointment)
            {
                var fromUrl = bundle.Entry[i].Request?.Url is { } url && url.StartsWith("Appointment/", StringComparison.Ordinal) ? url["Appointment/".Length..] : null;
                changes.Add((i, appointment, fromUrl is not null && FhirId().IsMatch(fromUrl) ? fromUrl : IdOf(appointment)));
            }
        }
        if (changes.Count == 0)
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, IssueType.Required, "The Bundle holds no Appointment.", "Bundle.entry");
        }
        var transaction = bundle.Type == Bundle.BundleType.Transaction;
        var response = new Bundle { Type = transaction ? Bundle.BundleType.TransactionResponse : Bundle.BundleType.BatchResponse };
        var mapped = new Dictionary<int, (FhirAppointmentChange? Change, OperationOutcome? Refused)>();
        foreach (var (index, appointment, id) in changes)
        {
            mapped[index] = id is null
                ? (null, FhirOutcomes.Outcome(IssueType.Required, "The Appointment needs an id, an identifier or a request.url Appointment/{id}.", $"Bundle.entry[{index}].resource.id"))
                : mapper.Map(appointment, id, Find);
            if (mapped[index].Refused is { } outcome && transaction)
            {
                return FhirOutcomes.Result(StatusCodes.Status422UnprocessableEntity, InEntry(outcome, index, bundle.Entry[index]));
            }
        }
        // A transaction is one database transaction: the first entry refused rolls back the ones before it (their rows, reminders,
        // notices and audit), so nothing of it is saved or sent. A batch commits entry by entry.
        await using var all = transaction ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            if (!mapped.TryGetValue(i, out var entry))
            {
                // A Patient (or anything else) is read for the Appointments, not stored on its own.
                response.Entry.Add(new Bundle.EntryComponent { Response = new Bundle.ResponseComponent { Status = "200 OK" } });
                continue;
            }
            var (status, outcome) = entry.Refused is { } refusal ? (StatusCodes.Status422UnprocessableEntity, refusal)
                : await ChangeInTransactionAsync(entry.Change!, appointments, audit, request.HttpContext, all is not null, cancellationToken);
            if (all is not null && status >= 300)
            {
                await all.RollbackAsync(cancellationToken);
                return FhirOutcomes.Result(status, InEntry(outcome, i, bundle.Entry[i]));
            }
            response.Entry.Add(new Bundle.EntryComponent
            {
                Response = new Bundle.ResponseComponent
                {
                    Status = $"{status} {ReasonPhrase(status)}", Outcome = outcome, Location = status < 300 ? entry.Change!.Resource : null,
                },
            });
        }
        if (all is not null)
        {
            await all.CommitAsync(cancellationToken);
        }
        return FhirOutcomes.Result(StatusCodes.Status200OK, response);
    }

    /// <summary>The refusal of one entry of a transaction, naming it by index and fullUrl (else request.url), for the whole Bundle.</summary>
    private static OperationOutcome InEntry(OperationOutcome outcome, int index, Bundle.EntryComponent entry)
    {
        var issue = outcome.Issue[0];
        var name = entry.FullUrl is { Length: > 0 } fullUrl ? $" ({fullUrl})" : entry.Request?.Url is { Length: > 0 } url ? $" ({url})" : "";
        issue.Diagnostics = $"Bundle.entry[{index}]{name}: {issue.Diagnostics} Nothing in the transaction was applied.";
        issue.Expression = [$"Bundle.entry[{index}]", .. issue.Expression];
        return outcome;
    }

    /// <summary>
    /// <see cref="ChangeAsync"/>; in a transaction a database error (the same appointment made at that moment by another request)
    /// has aborted it, and is a 409 for the whole Bundle rather than a 500.
    /// </summary>
    private static async Task<(int Status, OperationOutcome Outcome)> ChangeInTransactionAsync(
        FhirAppointmentChange change, AppointmentService appointments, AuditLog audit, HttpContext context, bool inTransaction, CancellationToken cancellationToken)
    {
        try
        {
            return await ChangeAsync(change, appointments, audit, context, cancellationToken);
        }
        catch (DbUpdateException) when (inTransaction)
        {
            return (StatusCodes.Status409Conflict, FhirOutcomes.Outcome(IssueType.Conflict,
                $"{change.Resource} was changed by another request at the same moment; send the transaction again.", "Appointment.id"));
        }
    }

    private static async Task<IResult> ApplyAsync(
        Appointment appointment, string id, FhirAppointments mapper, AppointmentService appointments, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var (change, refused) = mapper.Map(appointment, id, _ => null);
        if (refused is not null)
        {
            return FhirOutcomes.Result(StatusCodes.Status422UnprocessableEntity, refused);
        }
        var (status, outcome) = await ChangeAsync(change!, appointments, audit, context, cancellationToken);
        return FhirOutcomes.Result(status, outcome, status < 300 ? $"{Base}/Appointment/{id}" : null);
    }

    /// <summary>Makes, updates, cancels or marks the visit of the appointment, audited; the status and an OperationOutcome saying what happened.</summary>
    private static async Task<(int Status, OperationOutcome Outcome)> ChangeAsync(
        FhirAppointmentChange change, AppointmentService appointments, AuditLog audit, HttpContext context, CancellationToken cancellationToken)
    {
        var result = change.Status switch
        {
            null => await appointments.UpsertAsync(change.Upsert!, cancellationToken),
            AppointmentStatus.Cancelled => await appointments.CancelAsync(change.ExternalId, cancellationToken),
            var visit => await appointments.RecordVisitAsync(change.ExternalId, visit, cancellationToken),
        };
        await audit.RecordAsync(context, result, change.Status, cancellationToken, change.Resource);
        var done = result.Appointment is { } made ? $" (appointment {made.Id}, {made.Status})" : "";
        return result.Outcome switch
        {
            AppointmentUpsertOutcome.Created => (StatusCodes.Status201Created, Information($"Created {change.ExternalId}{done}.")),
            AppointmentUpsertOutcome.Updated => (StatusCodes.Status200OK, Information($"Updated {change.ExternalId}{done}.")),
            AppointmentUpsertOutcome.Unchanged => (StatusCodes.Status200OK, Information($"Unchanged {change.ExternalId}{done}.")),
            _ => result.Refusal switch
            {
                AppointmentRefusal.NotFound => (StatusCodes.Status404NotFound, FhirOutcomes.Outcome(IssueType.NotFound,
                    $"No appointment {change.ExternalId} to {(change.Cancel ? "cancel" : "mark " + change.Status)}.", "Appointment.id")),
                AppointmentRefusal.Conflict => (StatusCodes.Status409Conflict, FhirOutcomes.Outcome(IssueType.Conflict, result.Reason ?? "The appointment can no longer change.", "Appointment")),
                _ => (StatusCodes.Status422UnprocessableEntity,
                    FhirOutcomes.Outcome(IssueType.Processing, result.Reason ?? "The appointment was refused.", FhirAppointments.Element(result.Field))),
            },
        };
    }

    private static OperationOutcome Information(string text) =>
        FhirOutcomes.Outcome(IssueType.Informational, text, severity: OperationOutcome.IssueSeverity.Information);

    private static string? IdOf(Appointment appointment) =>
        appointment.Id is { } id && FhirId().IsMatch(id) ? id
        : appointment.Identifier.Select(i => i.Value).FirstOrDefault(v => v is not null && FhirId().IsMatch(v));

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK", 201 => "Created", 404 => "Not Found", 409 => "Conflict", _ => "Unprocessable Entity",
    };

    private static IResult Refuse(int status, IssueType code, string diagnostics, string? expression = null) =>
        FhirOutcomes.Result(status, FhirOutcomes.Outcome(code, diagnostics, expression));

    /// <summary>The body as a <typeparamref name="T"/>, or the OperationOutcome that refuses it (415, 413, 400).</summary>
    private static async Task<(T? Resource, IResult? Refused)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : Resource
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not (FhirOutcomes.ContentType or "application/json"))
        {
            return (null, Refuse(StatusCodes.Status415UnsupportedMediaType, IssueType.NotSupported, "Send the resource as application/fhir+json."));
        }
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, Refuse(StatusCodes.Status413PayloadTooLarge, IssueType.TooLong, $"The body may have at most {MaxBodyBytes} bytes."));
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxBodyBytes + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        if (read > MaxBodyBytes)
        {
            return (null, Refuse(StatusCodes.Status413PayloadTooLarge, IssueType.TooLong, $"The body may have at most {MaxBodyBytes} bytes."));
        }
        var json = new string(buffer, 0, read);
        try
        {
            if (!Deserializer.TryDeserializeResource(json, out var resource, out var issues))
            {
                var outcome = new OperationOutcome();
                foreach (var issue in issues.Take(20))
                {
                    outcome.Issue.Add(new OperationOutcome.IssueComponent
                    {
                        Severity = OperationOutcome.IssueSeverity.Error, Code = IssueType.Structure, Diagnostics = issue.Message, Details = new CodeableConcept(null, issue.ErrorCode),
                    });
                }
                return (null, FhirOutcomes.Result(StatusCodes.Status400BadRequest, outcome));
            }
            return resource is T wanted ? (wanted, null)
                : (null, Refuse(StatusCodes.Status400BadRequest, IssueType.Invalid, $"Expected a {typeof(T).Name}, got a {resource.TypeName}.", "resourceType"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            return (null, Refuse(StatusCodes.Status400BadRequest, IssueType.Structure, "The body is not a FHIR JSON resource: " + e.Message));
        }
    }
}
