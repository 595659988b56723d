using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Fhir;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>
/// What happened at the visit, through the API's PATCH and FHIR's statuses: attended keeps the feedback invite (sent once), no_show
/// has none and shows to staff, the unsent reminders of both are cleared; before the visit, or for a cancelled or declined one, refused.
/// </summary>
public sealed class AppointmentVisitTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237677000181";
    private const string FhirPhone = "+237677004200"; // the FHIR tests' contained Patient

    // The clock starts on Tuesday 24 November, 10:00 in Douala; the visit is on Friday 27th at 10:00, its invite due at 12:00.
    private static readonly DateTimeOffset FridayTen = new(2026, 11, 27, 10, 0, 0, AppointmentSteps.Douala);

    private string Invite => InviteIn(Language.English);

    private string InviteIn(Language language) => Factory.Services.GetRequiredService<PatientTexts>().Get("Template_FeedbackInvite", language);

    private async Task<string> CreateAsync(string externalId = "HIS-181", string phone = Phone)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/appointments", new
        {
            patient_id = "PAT" + externalId[4..], phone_number = phone, department = "Surgery", starts_at = "2026-11-27T10:00:00+01:00",
            external_id = externalId, language = "en",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> MarkAsync(string id, string status)
    {
        var response = await Client.PatchAsJsonAsync($"/api/v1/appointments/{id}", new { status });
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private async Task<HttpStatusCode> PutFhirAsync(string id, string status)
    {
        var body = FhirAppointmentTests.Appointment(id, start: "2026-11-27T10:00:00+01:00", status: status,
            telecom: $$"""{"system":"phone","value":"{{FhirPhone}}","use":"mobile"}""");
        var response = await Client.PutAsync($"/api/v1/fhir/Appointment/{id}", new StringContent(body, Encoding.UTF8, "application/fhir+json"));
        return response.StatusCode;
    }

    /// <summary>Moves the clock to <paramref name="at"/>, dispatching what falls due on the way (or not, as if the dispatcher were down).</summary>
    private async Task AdvanceToAsync(DateTimeOffset at, bool dispatch = true)
    {
        Factory.Clock.Advance(at - Factory.Clock.GetUtcNow());
        if (dispatch)
        {
            await Factory.DispatchAsync();
        }
    }

    /// <summary>Each SMS the stub received, as (to, body).</summary>
    private List<(string To, string Body)> Sent() =>
        [.. Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == AppointmentSteps.MessagesPath && e.RequestMessage.Method == "POST")
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => QueryHelpers.ParseQuery(e.RequestMessage.Body))
            .Select(f => (f["To"].ToString(), f["Body"].ToString()))];

    private async Task<List<(string Kind, string Status)>> RemindersAsync(string id)
    {
        await using var db = Factory.Db();
        return [.. (await db.Reminders.AsNoTracking().Where(r => r.AppointmentId == Guid.Parse(id)).OrderBy(r => r.ScheduledTime).ToListAsync())
            .Select(r => (r.Kind, r.Status))];
    }

    private async Task<List<(string Actor, string Action, string Target)>> AuditAsync()
    {
        await using var db = Factory.Db();
        return [.. (await db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync()).Select(a => (a.Actor, a.Action, a.Target))];
    }

    [Fact]
    public async Task An_attended_visit_has_its_unsent_reminders_cleared_and_its_feedback_invite_sent_once_at_the_planned_time()
    {
        Factory.TwilioAccepts();
        var id = await CreateAsync();
        await AdvanceToAsync(FridayTen.AddMinutes(30), dispatch: false); // the dispatcher was down: the plan's three reminders never went

        var (status, body) = await MarkAsync(id, "attended");
        var again = await MarkAsync(id, "attended");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("attended", "updated"), (body.GetProperty("status").GetString(), body.GetProperty("outcome").GetString()));
        Assert.Equal((HttpStatusCode.OK, "unchanged"), (again.Status, again.Body.GetProperty("outcome").GetString()));
        Assert.Equal(
            [("reminder", ReminderStatus.Cancelled), ("reminder", ReminderStatus.Cancelled), ("reminder", ReminderStatus.Cancelled), ("feedback_invite", ReminderStatus.Scheduled)],
            await RemindersAsync(id));
        await AdvanceToAsync(FridayTen.AddHours(2).AddMinutes(-1));
        Assert.Empty(Sent()); // not sooner than planned
        await AdvanceToAsync(FridayTen.AddHours(2));
        await AdvanceToAsync(FridayTen.AddDays(2));
        Assert.Equal([(Phone, Invite)], Sent());
        Assert.Equal([("Test Nurse", "create", $"appointment {id}"), ("Test Nurse", "attended", $"appointment {id}")], await AuditAsync());
    }

    [Fact]
    public async Task A_no_show_gets_no_feedback_invite_and_is_listed_for_staff()
    {
        Factory.TwilioAccepts();
        var id = await CreateAsync();
        await CreateAsync("HIS-182", "+237677000182");
        await AdvanceToAsync(FridayTen.AddMinutes(45));
        Assert.Equal(6, Sent().Count); // each visit's three reminders

        var (status, body) = await MarkAsync(id, "no_show");

        Assert.Equal((HttpStatusCode.OK, "no_show"), (status, body.GetProperty("status").GetString()));
        var listed = await Client.GetFromJsonAsync<JsonElement>("/api/v1/appointments?status=no_show");
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.Equal(("feedback_invite", ReminderStatus.Cancelled), (await RemindersAsync(id))[^1]);
        await AdvanceToAsync(FridayTen.AddDays(2));
        Assert.Equal([("+237677000182", Invite)], Sent().Skip(6)); // only the other visit's invite, which nobody marked
        Assert.Equal(("Test Nurse", "no_show", $"appointment {id}"), (await AuditAsync())[^1]);
    }

    [Fact]
    public async Task A_no_show_corrected_to_attended_after_the_invite_time_gets_its_invite_at_once_and_only_once()
    {
        Factory.TwilioAccepts();
        var id = await CreateAsync();
        await AdvanceToAsync(FridayTen.AddMinutes(15));
        await MarkAsync(id, "no_show");
        await AdvanceToAsync(FridayTen.AddHours(5));
        Assert.Equal(3, Sent().Count);

        var (status, _) = await MarkAsync(id, "attended");
        await AdvanceToAsync(FridayTen.AddHours(5));
        await MarkAsync(id, "no_show");
        await MarkAsync(id, "attended");
        await AdvanceToAsync(FridayTen.AddDays(1));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([(Phone, Invite)], Sent().Skip(3));
    }

    [Fact]
    public async Task A_visit_is_marked_only_once_it_has_started_and_a_cancelled_or_declined_one_never_becomes_attended()
    {
        Factory.TwilioAccepts();
        var early = await CreateAsync();
        var cancelled = await CreateAsync("HIS-183", "+237677000183");
        var declined = await CreateAsync("HIS-184", "+237677000184");
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsJsonAsync($"/api/v1/appointments/{cancelled}", new { status = "cancelled" })).StatusCode);
        await AdvanceToAsync(new DateTimeOffset(2026, 11, 24, 18, 0, 0, AppointmentSteps.Douala));
        var reply = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237677000184", "2"));
        Assert.Equal(Factory.Services.GetRequiredService<PatientTexts>().Get(MessageKeys.ReminderDeclined, Language.English), Assert.Single(await reply.MessagesAsync()));

        var (tooSoon, problem) = await MarkAsync(early, "attended");
        Assert.Equal(HttpStatusCode.Conflict, tooSoon);
        Assert.Equal("The visit has not started yet: it starts 2026-11-27 10:00 hospital time, and can be marked attended from then on.", problem.GetProperty("title").GetString());
        await AdvanceToAsync(FridayTen.AddMinutes(1));
        foreach (var (id, was) in new[] { (cancelled, "cancelled"), (declined, "declined") })
        {
            foreach (var status in new[] { "attended", "no_show" })
            {
                var (refused, body) = await MarkAsync(id, status);
                Assert.Equal(HttpStatusCode.Conflict, refused);
                Assert.Equal($"The appointment is {was}: it cannot be marked {status}.", body.GetProperty("title").GetString());
            }
        }
        var (badStatus, invalid) = await MarkAsync(early, "arrived");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("status", out _));

        // Once attended, the visit is over: it cannot be moved or cancelled.
        Assert.Equal(HttpStatusCode.OK, (await MarkAsync(early, "attended")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Client.PatchAsJsonAsync($"/api/v1/appointments/{early}", new { starts_at = "2026-12-01T10:00:00+01:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await MarkAsync(early, "cancelled")).Status);
        Assert.Equal("attended", (await Factory.AppointmentAsync(Guid.Parse(early))).Status);
        await AdvanceToAsync(FridayTen.AddDays(2));
        Assert.Equal([(Phone, Invite)], Sent().Where(s => s.Body == Invite)); // the cancelled and declined visits get no invite
    }

    [Fact]
    public async Task FHIR_fulfilled_marks_the_visit_attended_and_noshow_no_show_and_only_the_attended_one_gets_its_invite()
    {
        Factory.TwilioAccepts();
        Assert.Equal(HttpStatusCode.Created, await PutFhirAsync("appt-181", "booked"));
        Assert.Equal(HttpStatusCode.Created, await PutFhirAsync("appt-182", "booked"));
        Assert.Equal(HttpStatusCode.Conflict, await PutFhirAsync("appt-181", "arrived")); // not started yet
        Assert.Equal(HttpStatusCode.NotFound, await PutFhirAsync("appt-189", "fulfilled"));
        await AdvanceToAsync(FridayTen.AddMinutes(30));
        var reminders = Sent().Count;

        Assert.Equal(HttpStatusCode.OK, await PutFhirAsync("appt-181", "arrived"));
        Assert.Equal(HttpStatusCode.OK, await PutFhirAsync("appt-181", "fulfilled")); // still attended
        Assert.Equal(HttpStatusCode.OK, await PutFhirAsync("appt-182", "noshow"));

        await using (var db = Factory.Db())
        {
            Assert.Equal(
                [("fhir:appt-181", AppointmentStatus.Attended), ("fhir:appt-182", AppointmentStatus.NoShow)],
                (await db.Appointments.AsNoTracking().OrderBy(a => a.ExternalId).ToListAsync()).Select(a => (a.ExternalId!, a.Status)));
        }
        await AdvanceToAsync(FridayTen.AddDays(2));
        // One invite, in the Patient's French: the two appointments are the same patient's, and only one was a visit.
        Assert.Equal([(FhirPhone, InviteIn(Language.French))], Sent().Skip(reminders));
        var audit = await AuditAsync();
        Assert.Equal(["create", "create", "attended", "no_show"], audit.Select(a => a.Action));
        Assert.Equal("(FHIR Appointment/appt-182)", audit[^1].Target.Split(' ', 3)[2]);
    }
}
