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
    private static string Appointment(string id, string start = "2026-12-01T09:30:00+01:00", string status = "booked", string telecom = $$"""{"system":"phone","value":"{{Phone}}","use":"mobile"}""") => $$"""
        {
          "resourceType": "Appointment", "id": "{{id}}", "status": "{{status}}",
          "serviceType": [{ "coding": [{ "system": "http://dgh.example/departments", "code": "MAT", "display": "Maternity" }] }],
          "start": "{{start}}", "end": "2026-12-01T10:00:00+01:00",
          "contained": [{
            "resourceType": "Patient", "id": "pat",
            "identifier": [{ "system": "http://dgh.example/mrn", "value": "MRN4200" }],
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
