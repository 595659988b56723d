using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>Reminders through the HTTP API and the real dispatcher job, against a WireMock Twilio.</summary>
public sealed class ReminderTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private string MessagesPath => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private void TwilioAccepts() =>
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}"));

    private async Task<JsonElement> CreateAsync(string json, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await Client.PostAsync("/api/v1/reminders", Json(json));
        Assert.Equal(expected, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private string In(TimeSpan delay) => (Factory.Clock.GetUtcNow() + delay).ToString("yyyy-MM-ddTHH:mm:sszzz");

    private IEnumerable<string> SentBodies(string field) =>
        Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath)
            .Select(e => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(e.RequestMessage.Body)[field].ToString());

    [Fact]
    public async Task A_due_reminder_is_sent_once_by_SMS_with_its_provider_id()
    {
        TwilioAccepts();
        var created = await CreateAsync($$"""{"patient_id":"PAT123","message":"Rendez-vous demain à 9h","language":"french","scheduled_time":"{{In(TimeSpan.FromHours(1))}}","phone_number":"677 00 00 01"}""");
        Assert.Equal("+237677000001", created.GetProperty("phone_number").GetString());
        Assert.Equal("scheduled", created.GetProperty("status").GetString());
        Assert.Equal(1, created.GetProperty("sms_segments").GetInt32());

        await Factory.DispatchAsync();
        Assert.Empty(SentBodies("To")); // not due yet
        Factory.Clock.Advance(TimeSpan.FromHours(1));
        await Factory.DispatchAsync();
        await Factory.DispatchAsync();

        Assert.Equal(["+237677000001"], SentBodies("To"));
        Assert.Equal(["Rendez-vous demain à 9h"], SentBodies("Body"));
        Assert.Equal([AppFactory.PublicBaseUrl + "/twilio/status/message"], SentBodies("StatusCallback"));
        var reminder = await Factory.ReminderAsync(created.GetProperty("id").GetInt64());
        Assert.Equal(ReminderStatus.Sent, reminder.Status);
        Assert.StartsWith("SM", reminder.ProviderId);
        Assert.Equal("sent", Assert.Single(reminder.DeliveryAttempts).Outcome);
    }

    [Fact]
    public async Task Status_callbacks_move_forward_only_whatever_their_order()
    {
        TwilioAccepts();
        var id = (await CreateAsync($$"""{"patient_id":"PAT1","message":"Take your medicine","language":"en","scheduled_time":"{{In(TimeSpan.Zero)}}","phone_number":"+237677000002"}""")).GetProperty("id").GetInt64();
        await Factory.DispatchAsync();
        var sid = (await Factory.ReminderAsync(id)).ProviderId!;

        foreach (var status in new[] { "delivered", "sent", "delivered", "queued" })
        {
            var response = await Client.PostTwilioAsync("/twilio/status/message", [new("MessageSid", sid), new("MessageStatus", status), new("AccountSid", TwilioRequests.AccountSid)]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(ReminderStatus.Delivered, (await Factory.ReminderAsync(id)).Status);
        var detail = await Client.GetStringAsync($"/api/v1/reminders/{id}");
        Assert.Contains("\"status\":\"delivered\"", detail);
        Assert.Contains("\"delivery_attempts\":[{\"channel\":\"sms\",\"outcome\":\"sent\"", detail);
    }

    [Fact]
    public async Task An_opted_out_patient_is_skipped_and_nothing_is_sent()
    {
        TwilioAccepts();
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237677000003", "STOP"));
        await using (var db = Factory.Db())
        {
            var patient = await db.Patients.SingleAsync();
            patient.ExternalId = "PAT77";
            await db.SaveChangesAsync();
        }
        var id = (await CreateAsync($$"""{"patient_id":"PAT77","message":"Rappel","language":"fr","scheduled_time":"{{In(TimeSpan.Zero)}}","phone_number":"+237677000003"}""")).GetProperty("id").GetInt64();

        await Factory.DispatchAsync();

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Skipped, "opted_out"), (reminder.Status, reminder.Reason));
        Assert.Empty(SentBodies("To"));
    }

    [Fact]
    public async Task Quiet_hours_defer_to_seven_in_Douala_unless_urgent()
    {
        TwilioAccepts();
        Factory.Clock.SetUtcNow(new DateTimeOffset(Factory.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(21), TimeSpan.Zero)); // 22:00 in Douala
        var quiet = (await CreateAsync($$"""{"patient_id":"PAT2","message":"Night reminder","language":"en","scheduled_time":"{{In(TimeSpan.Zero)}}","phone_number":"+237677000004"}""")).GetProperty("id").GetInt64();
        var urgent = (await CreateAsync($$"""{"patient_id":"PAT2","message":"Urgent","language":"en","scheduled_time":"{{In(TimeSpan.Zero)}}","phone_number":"+237677000004","urgent":true}""")).GetProperty("id").GetInt64();

        await Factory.DispatchAsync();

        var deferred = await Factory.ReminderAsync(quiet);
        Assert.Equal(ReminderStatus.Scheduled, deferred.Status);
        Assert.Equal(new DateTimeOffset(Factory.Clock.GetUtcNow().UtcDateTime.Date.AddDays(1).AddHours(6), TimeSpan.Zero), deferred.ScheduledTime); // 07:00 WAT
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(urgent)).Status);
        Assert.Equal(["Urgent"], SentBodies("Body"));
    }

    [Fact]
    public async Task Transient_errors_are_retried_then_succeed()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost()).InScenario("flaky").WillSetStateTo("one failure")
            .RespondWith(Response.Create().WithStatusCode(503));
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost()).InScenario("flaky").WhenStateIs("one failure").WillSetStateTo("two failures")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json").WithBody("{\"code\":20429,\"message\":\"Too Many Requests\"}"));
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost()).InScenario("flaky").WhenStateIs("two failures")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("{\"sid\":\"SMretried\",\"status\":\"queued\"}"));
        var id = (await CreateAsync($$"""{"patient_id":"PAT3","message":"Retry me","language":"en","scheduled_time":"{{In(TimeSpan.Zero)}}","phone_number":"+237677000005"}""")).GetProperty("id").GetInt64();

        await Factory.DispatchAsync();

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Sent, "SMretried"), (reminder.Status, reminder.ProviderId));
        Assert.Equal(3, SentBodies("To").Count());
    }

    [Theory]
    [InlineData(21211, ReminderStatus.Failed, "permanent_error", false)]
    [InlineData(21610, ReminderStatus.Skipped, "opted_out", true)]
    public async Task Permanent_errors_fail_at_once_and_unsubscribed_marks_the_patient(int code, string status, string reason, bool optedOut)
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody($"{{\"code\":{code},\"message\":\"Twilio error {code}\",\"status\":400}}"));
        var id = (await CreateAsync($$"""{"patient_id":"PAT4","message":"Hello","language":"en","scheduled_time":"{{In(TimeSpan.Zero)}}","phone_number":"+237677000006"}""")).GetProperty("id").GetInt64();

        await Factory.DispatchAsync();

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((status, reason), (reminder.Status, reminder.Reason));
        Assert.Equal(optedOut, reminder.Patient.OptedOutAt is not null);
        Assert.Single(SentBodies("To"));
    }

    [Fact]
    public async Task Three_dispatchers_at_once_send_each_of_1000_due_reminders_exactly_once()
    {
        TwilioAccepts();
        await using (var db = Factory.Db())
        {
            var patient = new Patient { ExternalId = "PATBULK", CreatedAt = Factory.Clock.GetUtcNow(), UpdatedAt = Factory.Clock.GetUtcNow() };
            db.Patients.Add(patient);
            for (var i = 0; i < 1000; i++)
            {
                db.Reminders.Add(new Reminder
                {
                    Patient = patient, Message = "Bulk", Language = "en", ScheduledTime = Factory.Clock.GetUtcNow().AddMinutes(-1),
                    PhoneNumber = $"+2376{i:D8}", Channels = ["sms"], Status = ReminderStatus.Scheduled, Urgent = true,
                    CreatedAt = Factory.Clock.GetUtcNow(), UpdatedAt = Factory.Clock.GetUtcNow(),
                });
            }
            await db.SaveChangesAsync();
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(Factory.DispatchAsync)));

        var sent = SentBodies("To").ToList();
        Assert.Equal(1000, sent.Count);
        Assert.Equal(1000, sent.Distinct().Count());
        await using var check = Factory.Db();
        Assert.Equal(1000, await check.Reminders.CountAsync(r => r.Status == ReminderStatus.Sent));
    }

    [Fact]
    public async Task Cancel_and_edit_work_before_sending_and_answer_409_after()
    {
        TwilioAccepts();
        var later = (await CreateAsync($$"""{"patient_id":"PAT5","message":"Later","language":"en","scheduled_time":"{{In(TimeSpan.FromDays(1))}}","phone_number":"+237677000007"}""")).GetProperty("id").GetInt64();
        var patch = await Client.PatchAsync($"/api/v1/reminders/{later}", Json($$"""{"message":"Moved","scheduled_time":"{{In(TimeSpan.Zero)}}"}"""));
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        await Factory.DispatchAsync();
        Assert.Equal(["Moved"], SentBodies("Body"));
        Assert.Equal(HttpStatusCode.Conflict, (await Client.PostAsync($"/api/v1/reminders/{later}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Client.PatchAsync($"/api/v1/reminders/{later}", Json("""{"message":"Too late"}"""))).StatusCode);

        var other = (await CreateAsync($$"""{"patient_id":"PAT5","message":"Cancel me","language":"en","scheduled_time":"{{In(TimeSpan.Zero)}}","phone_number":"+237677000007"}""")).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/v1/reminders/{other}/cancel", null)).StatusCode);
        await Factory.DispatchAsync();
        Assert.Equal(ReminderStatus.Cancelled, (await Factory.ReminderAsync(other)).Status);
        Assert.Single(SentBodies("Body"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsync("/api/v1/reminders/999999/cancel", null)).StatusCode);
    }

    [Theory]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00","phone_number":"+237677000001"}""", "scheduled_time")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2020-01-01T09:00:00+01:00","phone_number":"+237677000001"}""", "scheduled_time")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"12"}""", "phone_number")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","email":"not-an-email"}""", "email")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","email":"Victim <a@b.c>, evil@x.y"}""", "email")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","email":"nurses: a@b.example;"}""", "email")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","email":"someone@localhost"}""", "email")]
    [InlineData("""{"patient_id":"P1","message":"","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001"}""", "message")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"xx","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001"}""", "language")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","channels":["pigeon"],"phone_number":"+237677000001"}""", "channels")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001","recurrence":{"every":"day"}}""", "recurrence")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001","recurrence":{"frequency":"daily","count":500}}""", "recurrence")]
    [InlineData("""{"patient_id":"P1","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001","template":"horoscope"}""", "template")]
    [InlineData("""{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001","kind":"party"}""", "kind")]
    public async Task Invalid_reminders_get_a_validation_problem_naming_the_field(string json, string field)
    {
        var body = await CreateAsync(json, HttpStatusCode.BadRequest);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }
}
