using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>Appointments through the API and the patient's phone: made, refused, moved, cancelled, declined, confirmed, the invite after the visit, the language of the day.</summary>
public sealed class AppointmentApiTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237677000171";

    // Friday 27 November, 10:00 in Douala; the clock starts on Tuesday 24th, 10:00.
    private const string FridayTen = "2026-11-27T10:00:00+01:00";

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private static object Visit(string startsAt = FridayTen, string externalId = "HIS-171", string language = "en") =>
        new { patient_id = "PAT171", phone_number = Phone, department = "Surgery", starts_at = startsAt, external_id = externalId, language };

    private async Task<JsonElement> PostAsync(object body, HttpStatusCode expected)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/appointments", body);
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private async Task<JsonElement> PatchAsync(string id, object body, HttpStatusCode expected)
    {
        var response = await Client.PatchAsJsonAsync($"/api/v1/appointments/{id}", body);
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private async Task<string?> ReplyAsync(string body)
    {
        var response = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, body));
        return (await response.MessagesAsync()).SingleOrDefault();
    }

    /// <summary>Moves the clock to <paramref name="localTime"/> (Douala), dispatching what falls due on the way.</summary>
    private async Task AdvanceToAsync(DateTimeOffset localTime)
    {
        Factory.Clock.Advance(localTime - Factory.Clock.GetUtcNow());
        await Factory.DispatchAsync();
    }

    [Fact]
    public async Task An_appointment_is_made_once_per_external_id_and_bad_input_gets_problem_details()
    {
        var created = await PostAsync(Visit(), HttpStatusCode.Created);
        var again = await PostAsync(Visit(), HttpStatusCode.OK);

        Assert.Equal(("created", "scheduled", "surgery"), (created.GetProperty("outcome").GetString(), created.GetProperty("status").GetString(), created.GetProperty("department").GetString()));
        Assert.Equal(("unchanged", created.GetProperty("id").GetString()), (again.GetProperty("outcome").GetString(), again.GetProperty("id").GetString()));
        var one = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/appointments/{created.GetProperty("id").GetString()}");
        Assert.Equal(["reminder", "reminder", "reminder", "feedback_invite"], one.GetProperty("reminders").EnumerateArray().Select(r => r.GetProperty("kind").GetString()));
        Assert.True(JsonSerializer.Serialize(one).Length < 1024);

        foreach (var (body, field) in new (object, string)[]
        {
            (new { patient_id = "PAT171", phone_number = Phone, department = "Surgery", starts_at = "2026-11-27T10:00:00" }, "starts_at"),
            (new { patient_id = "PAT171", phone_number = "12345", department = "Surgery", starts_at = FridayTen }, "phone"),
            (new { patient_id = "PAT171", phone_number = Phone, department = "Astrology", starts_at = FridayTen }, "department"),
            (new { patient_id = "PAT171", phone_number = Phone, department = "Cardiology", starts_at = FridayTen }, "department"), // not one of Hospital:Departments
            (new { patient_id = "PAT171", phone_number = Phone, department = "Surgery", starts_at = "2026-11-20T10:00:00+01:00" }, "starts_at"),
            (new { patient_id = "PAT 171", phone_number = Phone, department = "Surgery", starts_at = FridayTen }, "patient_id"),
        })
        {
            var problem = await PostAsync(body, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }
        var list = await Client.GetFromJsonAsync<JsonElement>("/api/v1/appointments");
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_patch_moves_or_cancels_and_a_cancelled_appointment_cannot_be_moved()
    {
        Factory.TwilioAccepts();
        var id = (await PostAsync(Visit(), HttpStatusCode.Created)).GetProperty("id").GetString()!;

        var moved = await PatchAsync(id, new { starts_at = "2026-11-30T11:00:00+01:00" }, HttpStatusCode.OK);
        var cancelled = await PatchAsync(id, new { status = "cancelled" }, HttpStatusCode.OK);
        await PatchAsync(id, new { starts_at = "2026-12-01T11:00:00+01:00" }, HttpStatusCode.Conflict);
        var attended = await PatchAsync(id, new { status = "attended" }, HttpStatusCode.Conflict);
        await PatchAsync(id, new { status = "booked" }, HttpStatusCode.BadRequest);
        await PatchAsync(Guid.NewGuid().ToString(), new { status = "cancelled" }, HttpStatusCode.NotFound);

        Assert.Equal("moved", moved.GetProperty("status").GetString());
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("The appointment is cancelled: it cannot be marked attended.", attended.GetProperty("title").GetString());
        await Factory.DispatchAsync();
        // The move's notice and the cancellation's were both due now; the move's was cleared with the rest, unsent.
        Assert.Equal(["Douala General Hospital: your appointment (Surgery) on 30 November at 11:00 is cancelled. Please call us to book another."], Factory.Sms());
        // Each change audited under the token's name, by the appointment's id alone; the refused ones not.
        await using var db = Factory.Db();
        Assert.Equal([$"Test Nurse create appointment {id}", $"Test Nurse update appointment {id}", $"Test Nurse cancel appointment {id}"],
            await db.AuditEntries.OrderBy(a => a.Id).Select(a => a.Actor + " " + a.Action + " " + a.Target).ToListAsync());
    }

    [Fact]
    public async Task A_reply_2_to_an_appointment_reminder_declines_it_for_staff_and_stops_its_reminders_and_invite()
    {
        Factory.TwilioAccepts();
        var id = (await PostAsync(Visit(language: "fr"), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await AdvanceToAsync(new DateTimeOffset(2026, 11, 24, 18, 0, 0, AppointmentSteps.Douala));
        var reminder = Assert.Single(Factory.Sms());
        Assert.Equal("Hôpital Général de Douala : votre rendez-vous (Chirurgie) est le 27 novembre à 10:00. " + Texts.Get(MessageKeys.ReminderConfirmPrompt, Language.French), reminder);
        Assert.Equal(2, SmsSegments.Count(reminder).Segments);

        Assert.Equal(Texts.Get(MessageKeys.ReminderDeclined, Language.French), await ReplyAsync("2"));

        var declined = await Client.GetFromJsonAsync<JsonElement>("/api/v1/appointments?status=declined");
        Assert.Equal(id, Assert.Single(declined.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        await AdvanceToAsync(new DateTimeOffset(2026, 11, 28, 10, 0, 0, AppointmentSteps.Douala)); // past the visit and its invite time
        Assert.Single(Factory.Sms());
    }

    [Fact]
    public async Task A_reply_1_confirms_the_appointment()
    {
        Factory.TwilioAccepts();
        var id = (await PostAsync(Visit(), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await AdvanceToAsync(new DateTimeOffset(2026, 11, 24, 18, 0, 0, AppointmentSteps.Douala));

        Assert.Equal(Texts.Get(MessageKeys.ReminderConfirmed, Language.English), await ReplyAsync("1"));

        Assert.Equal(AppointmentStatus.Confirmed, (await Factory.AppointmentAsync(Guid.Parse(id))).Status);
    }

    [Fact]
    public async Task The_feedback_invite_goes_two_hours_after_the_visit_once_and_opens_the_survey()
    {
        Factory.TwilioAccepts();
        await PostAsync(Visit(), HttpStatusCode.Created);
        await PostAsync(Visit(), HttpStatusCode.OK); // the same list sent again makes no second invite
        await AdvanceToAsync(new DateTimeOffset(2026, 11, 27, 11, 59, 0, AppointmentSteps.Douala));
        Assert.Equal(3, Factory.Sms().Count); // the plan's three reminders

        await AdvanceToAsync(new DateTimeOffset(2026, 11, 27, 12, 0, 0, AppointmentSteps.Douala));
        await AdvanceToAsync(new DateTimeOffset(2026, 11, 28, 12, 0, 0, AppointmentSteps.Douala));

        var sms = Factory.Sms();
        Assert.Equal(4, sms.Count);
        Assert.Equal(Texts.Get("Template_FeedbackInvite", Language.English), sms[^1]);
        Assert.Equal(Texts.Get(MessageKeys.AskComment, Language.English), await ReplyAsync("4"));
        await using var db = Factory.Db();
        Assert.Equal(4, (await db.Feedbacks.SingleAsync()).Rating);
    }

    [Fact]
    public async Task Reminders_go_in_the_language_the_patient_has_when_they_are_sent()
    {
        Factory.TwilioAccepts();
        await PostAsync(Visit(language: "en"), HttpStatusCode.Created);
        await Client.CreateAsync($$"""
            {"patient_id":"PAT171","language":"en","scheduled_time":"2026-11-24T17:30:00+01:00","phone_number":"{{Phone}}","template":"medication","parameters":{"medicine":"Coartem"} }
            """);
        await Client.CreateAsync($$"""{"patient_id":"PAT171","language":"en","scheduled_time":"2026-11-24T17:45:00+01:00","phone_number":"{{Phone}}","message":"Bring your card."}""");

        var changed = await Client.PutAsJsonAsync("/api/v1/patients/PAT171", new { preferred_language = "french" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await AdvanceToAsync(new DateTimeOffset(2026, 11, 24, 18, 0, 0, AppointmentSteps.Douala));

        Assert.Equal(
            [
                Placeholders.Fill(Texts.Get("Template_Medication", Language.French), new Dictionary<string, string> { ["medicine"] = "Coartem" }),
                "Bring your card.", // free text stays as written
                "Hôpital Général de Douala : votre rendez-vous (Chirurgie) est le 27 novembre à 10:00. " + Texts.Get(MessageKeys.ReminderConfirmPrompt, Language.French),
            ],
            Factory.Sms());
    }
}
