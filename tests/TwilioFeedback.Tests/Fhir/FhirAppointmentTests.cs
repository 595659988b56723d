using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Fhir;

/// <summary>
/// HL7 FHIR R4 Appointments as a hospital's integration engine sends them: made, moved and cancelled by resource id,
/// the Patient contained or in a Bundle; bad input answered with an OperationOutcome.
/// </summary>
public sealed class FhirAppointmentTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Phone = "+237677004200";

    /// <summary>An Appointment with its Patient contained, as an engine's FHIR feed has it (the clock's today is 2026-11-24).</summary>
    internal static string Appointment(string id, string start = "2026-12-01T09:30:00+01:00", string status = "booked",
        string telecom = $$"""{"system":"phone","value":"{{Phone}}","use":"mobile"}""", string department = "Maternity", string mrn = "MRN4200") => $$"""
        {
          "resourceType": "Appointment", "id": "{{id}}", "status": "{{status}}",
          "serviceType": [{ "coding": [{ "system": "http://dgh.example/departments", "code": "MAT", "display": "{{department}}" }] }],
          "start": "{{start}}", "end": "2026-12-01T10:00:00+01:00",
          "contained": [{
            "resourceType": "Patient", "id": "pat",
            "identifier": [{ "system": "http://dgh.example/mrn", "value": "{{mrn}}" }],
            "telecom": [{{telecom}}],
            "communication": [{ "language": { "coding": [{ "system": "urn:ietf:bcp:47", "code": "fr" }] }, "preferred": true }]
          }],
          "participant": [{ "actor": { "reference": "#pat" }, "status": "accepted" }]
        }
        """;

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(
        HttpMethod method, string path, string body, string contentType = "application/fhir+json")
    {
        var response = await Client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement, response);
    }

    private async Task<Appointment> StoredAsync(string externalId)
    {
        await using var db = Factory.Db();
        return await db.Appointments.AsNoTracking().Include(a => a.Patient).SingleAsync(a => a.ExternalId == externalId);
    }

    private async Task<List<Reminder>> RemindersAsync(Guid id)
    {
        await using var db = Factory.Db();
        return await db.Reminders.AsNoTracking().Where(r => r.AppointmentId == id).OrderBy(r => r.ScheduledTime).ToListAsync();
    }

    [Fact]
    public async Task A_put_Appointment_with_a_contained_Patient_makes_the_appointment_and_its_reminders_then_moves_and_cancels_it()
    {
        var (status, body, response) = await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-100", Appointment("appt-100"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("/api/v1/fhir/Appointment/appt-100", response.Headers.Location?.OriginalString);
        Assert.Equal(("OperationOutcome", "information"), (body.GetProperty("resourceType").GetString(), body.GetProperty("issue")[0].GetProperty("severity").GetString()));
        var made = await StoredAsync("fhir:appt-100");
        Assert.Equal((new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero), "maternity", Phone, "MRN4200", "fr"),
            (made.StartsAt, made.Department, made.PhoneNumber, made.Patient.ExternalId, made.Patient.PreferredLanguage));
        var reminders = await RemindersAsync(made.Id);
        Assert.Contains(reminders, r => r.ScheduledTime == made.StartsAt.AddHours(-2)); // the default plan: 2 hours before, among others

        // The same resource again, moved a day later: the same appointment, its unsent reminders moved with it.
        (status, _, _) = await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-100", Appointment("appt-100", start: "2026-12-02T09:30:00+01:00"));
        Assert.Equal(HttpStatusCode.OK, status);
        var moved = await StoredAsync("fhir:appt-100");
        Assert.Equal((made.Id, new DateTimeOffset(2026, 12, 2, 8, 30, 0, TimeSpan.Zero)), (moved.Id, moved.StartsAt));
        Assert.Contains(await RemindersAsync(made.Id), r => r.ScheduledTime == moved.StartsAt.AddHours(-2) && r.Status == ReminderStatus.Scheduled);

        // Status cancelled cancels it.
        (status, _, _) = await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-100", Appointment("appt-100", start: "2026-12-02T09:30:00+01:00", status: "cancelled"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(AppointmentStatus.Cancelled, (await StoredAsync("fhir:appt-100")).Status);
    }

    [Fact]
    public async Task A_transaction_Bundle_finds_the_Patient_in_the_Bundle_and_answers_a_transaction_response()
    {
        var bundle = $$"""
            {
              "resourceType": "Bundle", "type": "transaction",
              "entry": [
                { "fullUrl": "urn:uuid:8f6c1b2e-1d3a-4c55-9a51-0d7f0a9e2b10",
                  "resource": { "resourceType": "Patient", "identifier": [{ "value": "MRN4201" }], "telecom": [{ "system": "sms", "value": "677004201" }] },
                  "request": { "method": "PUT", "url": "Patient?identifier=MRN4201" } },
                { "resource": { "resourceType": "Appointment", "status": "booked", "start": "2026-12-03T11:00:00+01:00",
                    "serviceType": [{ "text": "Internal Medicine" }],
                    "participant": [{ "actor": { "reference": "urn:uuid:8f6c1b2e-1d3a-4c55-9a51-0d7f0a9e2b10" }, "status": "accepted" }] },
                  "request": { "method": "PUT", "url": "Appointment/appt-200" } }
              ]
            }
            """;

        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/v1/fhir", bundle);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("transaction-response", body.GetProperty("type").GetString());
        Assert.Equal("201 Created", body.GetProperty("entry")[1].GetProperty("response").GetProperty("status").GetString());
        var made = await StoredAsync("fhir:appt-200");
        Assert.Equal(("+237677004201", "internal_medicine", "MRN4201"), (made.PhoneNumber, made.Department, made.Patient.ExternalId)); // Cameroon's +237 added
    }

    /// <summary>A Bundle of <paramref name="type"/> with one entry per Appointment, each with its fullUrl and a PUT to its id.</summary>
    private static string Bundle(string type, params string[] appointments) => $$"""
        { "resourceType": "Bundle", "type": "{{type}}", "entry": [{{string.Join(",", appointments.Select((a, i) => $$"""
            { "fullUrl": "urn:uuid:00000000-0000-4000-8000-00000000050{{i}}", "resource": {{a}},
              "request": { "method": "PUT", "url": "Appointment/{{JsonDocument.Parse(a).RootElement.GetProperty("id").GetString()}}" } }
            """))}}] }
        """;

    /// <summary>Three appointments of one patient; the third books into a department the hospital does not have.</summary>
    private static string[] ThreeWithTheThirdBad(bool thirdBad = true) =>
    [
        Appointment("appt-500"), Appointment("appt-501", start: "2026-12-02T09:30:00+01:00"),
        Appointment("appt-502", start: "2026-12-03T09:30:00+01:00", department: thirdBad ? "Astrology" : "Surgery"),
    ];

    private async Task<(int Appointments, int Reminders, int Patients, List<AuditEntry> Audit)> TablesAsync()
    {
        await using var db = Factory.Db();
        return (await db.Appointments.CountAsync(), await db.Reminders.CountAsync(), await db.Patients.CountAsync(), await db.AuditEntries.AsNoTracking().ToListAsync());
    }

    [Fact]
    public async Task A_transaction_Bundle_whose_third_entry_is_refused_saves_nothing_and_names_that_entry()
    {
        var (status, outcome, response) = await SendAsync(HttpMethod.Post, "/api/v1/fhir", Bundle("transaction", ThreeWithTheThirdBad()));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        var issue = Assert.Single(outcome.GetProperty("issue").EnumerateArray());
        Assert.Equal(("error", "processing"), (issue.GetProperty("severity").GetString(), issue.GetProperty("code").GetString()));
        Assert.Equal(["Bundle.entry[2]", "Appointment.serviceType"], issue.GetProperty("expression").EnumerateArray().Select(e => e.GetString()));
        var diagnostics = issue.GetProperty("diagnostics").GetString()!;
        Assert.StartsWith("Bundle.entry[2] (urn:uuid:00000000-0000-4000-8000-000000000502): department must be one of", diagnostics);
        Assert.EndsWith("Nothing in the transaction was applied.", diagnostics);
        // The first two were made inside the transaction and rolled back with it: no appointment, reminder, patient or audit row is left.
        var (appointments, reminders, patients, audit) = await TablesAsync();
        Assert.Equal((0, 0, 0), (appointments, reminders, patients));
        Assert.Empty(audit);
    }

    [Fact]
    public async Task The_same_entries_as_a_batch_save_the_first_two_and_report_the_third()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/v1/fhir", Bundle("batch", ThreeWithTheThirdBad()));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("batch-response", body.GetProperty("type").GetString());
        var responses = body.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("response")).ToList();
        Assert.Equal(["201 Created", "201 Created", "422 Unprocessable Entity"], responses.Select(r => r.GetProperty("status").GetString()));
        Assert.StartsWith("department must be one of", responses[2].GetProperty("outcome").GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        var (appointments, reminders, _, audit) = await TablesAsync();
        Assert.Equal((2, 8), (appointments, reminders)); // each: the plan's three reminders and the invite
        Assert.Equal(2, audit.Count);
        Assert.Equal("fhir:appt-501", (await StoredAsync("fhir:appt-501")).ExternalId);
    }

    [Fact]
    public async Task A_good_transaction_saves_all_three_answers_a_transaction_response_and_audits_each_under_the_token_name()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "/api/v1/fhir", Bundle("transaction", ThreeWithTheThirdBad(thirdBad: false)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("transaction-response", body.GetProperty("type").GetString());
        var responses = body.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("response")).ToList();
        Assert.Equal(["201 Created", "201 Created", "201 Created"], responses.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(["Appointment/appt-500", "Appointment/appt-501", "Appointment/appt-502"], responses.Select(r => r.GetProperty("location").GetString()));
        var (appointments, reminders, patients, audit) = await TablesAsync();
        Assert.Equal((3, 12, 1), (appointments, reminders, patients));
        var third = await StoredAsync("fhir:appt-502");
        Assert.Equal("surgery", third.Department);
        Assert.Contains(audit, a => (a.Actor, a.Action, a.Target) == ("Test Nurse", "create", $"appointment {third.Id} (FHIR Appointment/appt-502)"));
        Assert.Equal(["create", "create", "create"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.DoesNotContain("MRN4200", a.Target));
        Assert.All(audit, a => Assert.DoesNotContain("677004200", a.Target));
    }

    [Fact]
    public async Task A_FHIR_update_and_cancel_are_audited_and_a_resource_sent_again_unchanged_is_not()
    {
        await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-510", Appointment("appt-510"));
        await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-510", Appointment("appt-510"));
        await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-510", Appointment("appt-510", start: "2026-12-02T09:30:00+01:00"));
        var (status, _, _) = await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-510", Appointment("appt-510", status: "cancelled"));

        Assert.Equal(HttpStatusCode.OK, status);
        var id = (await StoredAsync("fhir:appt-510")).Id;
        var (_, _, _, audit) = await TablesAsync();
        Assert.Equal(
            [("Test Nurse", "create"), ("Test Nurse", "update"), ("Test Nurse", "cancel")],
            audit.OrderBy(a => a.Id).Select(a => (a.Actor, a.Action)));
        Assert.All(audit, a => Assert.Equal($"appointment {id} (FHIR Appointment/appt-510)", a.Target));
    }

    public static TheoryData<string, string, string, HttpStatusCode, string> BadResources() => new()
    {
        { "not JSON", "application/fhir+json", "this is not json", HttpStatusCode.BadRequest, "structure" },
        { "a JSON array", "application/fhir+json", "[1, 2]", HttpStatusCode.BadRequest, "structure" },
        { "an unknown element", "application/fhir+json", Appointment("appt-300").Replace("\"status\": \"booked\",", "\"status\": \"booked\", \"colour\": \"red\","), HttpStatusCode.BadRequest, "structure" },
        { "a status FHIR does not have", "application/fhir+json", Appointment("appt-300", status: "maybe"), HttpStatusCode.BadRequest, "structure" },
        { "a start that is no instant", "application/fhir+json", Appointment("appt-300", start: "next tuesday"), HttpStatusCode.BadRequest, "structure" },
        { "a Patient, not an Appointment", "application/fhir+json", """{"resourceType":"Patient","id":"appt-300"}""", HttpStatusCode.BadRequest, "invalid" },
        { "another id in the body", "application/fhir+json", Appointment("appt-301"), HttpStatusCode.BadRequest, "invalid" },
        { "a Patient without telecom", "application/fhir+json", Appointment("appt-300", telecom: """{"system":"fax","value":"+237233000000"}"""), HttpStatusCode.UnprocessableEntity, "processing" },
        { "an appointment in the past", "application/fhir+json", Appointment("appt-300", start: "2026-11-20T09:30:00+01:00"), HttpStatusCode.UnprocessableEntity, "processing" },
        { "XML", "application/fhir+xml", "<Appointment xmlns=\"http://hl7.org/fhir\"/>", HttpStatusCode.UnsupportedMediaType, "not-supported" },
    };

    [Theory]
    [MemberData(nameof(BadResources))]
    public async Task A_bad_resource_gets_an_OperationOutcome_and_changes_nothing(string label, string contentType, string body, HttpStatusCode expected, string code)
    {
        var (status, outcome, response) = await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-300", body, contentType);

        Assert.True(expected == status, $"{label}: {status} {outcome}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        var issue = outcome.GetProperty("issue")[0];
        Assert.Equal(("error", code), (issue.GetProperty("severity").GetString(), issue.GetProperty("code").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(issue.GetProperty("diagnostics").GetString()));
        await using var db = Factory.Db();
        Assert.False(await db.Appointments.AnyAsync());
    }

    [Fact]
    public async Task Cancelling_an_appointment_never_received_is_a_404_OperationOutcome_and_the_API_needs_a_token()
    {
        var (status, outcome, _) = await SendAsync(HttpMethod.Put, "/api/v1/fhir/Appointment/appt-404", Appointment("appt-404", status: "cancelled"));
        Assert.Equal((HttpStatusCode.NotFound, "not-found"), (status, outcome.GetProperty("issue")[0].GetProperty("code").GetString()));

        using var anonymous = Factory.ClientWith(null);
        var refused = await anonymous.PutAsync("/api/v1/fhir/Appointment/appt-405", new StringContent(Appointment("appt-405"), Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
