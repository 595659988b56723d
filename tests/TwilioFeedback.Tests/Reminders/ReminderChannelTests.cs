using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>Shared steps of the reminder channel tests.</summary>
public static class ReminderSteps
{
    public static async Task<long> CreateAsync(this HttpClient client, string json)
    {
        var response = await client.PostAsync("/api/v1/reminders", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }

    public static async Task DispatchAsync(this AppFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<ReminderDispatcher>().Invoke();
    }

    public static async Task<Reminder> ReminderAsync(this AppFactory factory, long id)
    {
        await using var db = factory.Db();
        return await db.Reminders.AsNoTracking().Include(r => r.Patient).Include(r => r.DeliveryAttempts).SingleAsync(r => r.Id == id);
    }

    public static string Now(this AppFactory factory) => factory.Clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:sszzz");

    /// <summary>Twilio's 201 for a message, with <paramref name="sid"/>: for a stub that answers from a callback.</summary>
    public static WireMock.ResponseMessage AcceptedMessage(string sid)
    {
        var accepted = new WireMock.ResponseMessage
        {
            StatusCode = 201,
            BodyData = new WireMock.Util.BodyData { BodyAsString = $$"""{"sid":"{{sid}}","status":"queued"}""", DetectedBodyType = WireMock.Types.BodyType.String },
        };
        accepted.AddHeader("Content-Type", "application/json");
        return accepted;
    }
}

public sealed class ReminderEmailAndFallbackTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    [Fact]
    public async Task An_email_reminder_goes_through_SendGrid_with_a_subject_in_the_patients_language()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("X-Message-Id", "sg-123"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT10","message":"Votre rendez-vous est demain","language":"fr","scheduled_time":"{{Factory.Now()}}","email":"patient@example.org"}""");

        await Factory.DispatchAsync();

        var request = Assert.Single(Factory.TwilioApi.LogEntries, e => e.RequestMessage.Path == "/v3/mail/send").RequestMessage;
        Assert.Equal("Bearer SG.test-key", request.Headers!["Authorization"].Single());
        var mail = JsonDocument.Parse(request.Body!).RootElement;
        Assert.Equal("patient@example.org", mail.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString());
        var subject = mail.TryGetProperty("subject", out var top) ? top : mail.GetProperty("personalizations")[0].GetProperty("subject");
        Assert.Equal("Rappel de l'Hôpital Général de Douala", subject.GetString());
        Assert.Equal("Votre rendez-vous est demain", mail.GetProperty("content")[0].GetProperty("value").GetString());
        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Sent, "sg-123"), (reminder.Status, reminder.ProviderId));
    }

    [Fact]
    public async Task SendGrid_delivery_events_move_an_email_reminder_on_and_need_the_secret()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("X-Message-Id", "14c5d75ce93.dfd.64b469"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT13","message":"Hello","language":"en","scheduled_time":"{{Factory.Now()}}","email":"p@example.org"}""");
        await Factory.DispatchAsync();
        const string events = """
            [{"email":"p@example.org","timestamp":1764000000,"event":"processed","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
             {"email":"p@example.org","timestamp":1764000005,"event":"delivered","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"},
             {"email":"p@example.org","timestamp":1764000009,"event":"bounce","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0"}]
            """;

        var forged = await Client.PostAsync("/sendgrid/events/wrong", new StringContent(events, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(id)).Status);

        var posted = await Client.PostAsync("/sendgrid/events/sendgrid-events-secret", new StringContent(events, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(ReminderStatus.Delivered, (await Factory.ReminderAsync(id)).Status); // the later bounce does not undo it
    }

    [Fact]
    public async Task A_SendGrid_event_with_a_control_character_in_its_id_is_skipped_and_the_event_beside_it_still_moves_its_reminder()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("X-Message-Id", "sg-nul-neighbour"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT14","message":"Hello","language":"en","scheduled_time":"{{Factory.Now()}}","email":"p@example.org"}""");
        await Factory.DispatchAsync();
        // Found by AbuseFuzzTests (seed 963348249): a NUL in the id reached PostgreSQL, which refuses it, and the batch got a 500.
        const string events = """
            [{"event":"bounce","sg_message_id":"]\u001A\u0000V.filter0001"},
             {"event":"bounce","sg_message_id":"sg-nul-neighbour\u0000"},
             {"event":"delivered","sg_message_id":"sg-nul-neighbour.filter0001.16648.5515E0B88.0"}]
            """;

        var posted = await Client.PostAsync("/sendgrid/events/sendgrid-events-secret", new StringContent(events, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(ReminderStatus.Delivered, (await Factory.ReminderAsync(id)).Status);
    }

    [Fact]
    public async Task A_permanent_SMS_failure_falls_back_to_the_next_channel()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json").WithBody("{\"code\":21614,\"message\":\"Not a mobile number\",\"status\":400}"));
        Factory.TwilioApi.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("X-Message-Id", "sg-fallback"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT11","message":"Follow-up on Monday","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"+237233000001","email":"p@example.org","channels":["sms","email"]}""");

        await Factory.DispatchAsync();

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Sent, "sg-fallback"), (reminder.Status, reminder.ProviderId));
        Assert.Equal(["sms:failed", "email:sent"], reminder.DeliveryAttempts.OrderBy(a => a.Id).Select(a => $"{a.Channel}:{a.Outcome}"));
    }

    [Fact]
    public async Task A_rejected_email_fails_with_the_reason()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("{\"errors\":[{\"message\":\"Invalid to\",\"field\":\"personalizations.0.to\"}]}"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT12","message":"Hello","language":"en","scheduled_time":"{{Factory.Now()}}","email":"p@example.org"}""");

        await Factory.DispatchAsync();

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Failed, "permanent_error"), (reminder.Status, reminder.Reason));
        Assert.Contains("Invalid to", reminder.LastError);
    }
}

/// <summary>The hospital's own mail server instead of SendGrid.</summary>
public class SmtpFactory : AppFactory
{
    public SmtpListener Smtp { get; } = new();

    /// <summary>Also forgets the mail received: each test reads only its own.</summary>
    public override async Task ResetAsync()
    {
        await base.ResetAsync();
        Smtp.Messages.Clear();
    }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:SmtpHost"] = "127.0.0.1",
        ["Email:SmtpPort"] = Smtp.Port.ToString(),
        ["Email:SmtpSecurity"] = "None",
        ["Email:FromAddress"] = "reminders@dgh.example",
        ["Reminders:DispatchOnSchedule"] = "false",
    };

    public override async ValueTask DisposeAsync()
    {
        Smtp.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class ReminderSmtpAndDryRunTests(SmtpFactory factory) : IntegrationTest<SmtpFactory>(factory)
{
    [Fact]
    public async Task An_email_reminder_reaches_the_SMTP_server()
    {
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT20","message":"Take your tablets at 8","language":"en","scheduled_time":"{{Factory.Now()}}","email":"patient@example.org"}""");

        await Factory.DispatchAsync();

        var (from, to, data) = Assert.Single(Factory.Smtp.Messages);
        Assert.Equal(("reminders@dgh.example", "patient@example.org"), (from, to));
        Assert.Contains("Subject: Reminder from Douala General Hospital", data);
        Assert.Contains("Take your tablets at 8", data);
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(id)).Status);
    }

    [Fact]
    public async Task Without_a_Twilio_account_an_SMS_reminder_is_recorded_as_dry_run()
    {
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT21","message":"Dry","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"+237677000021"}""");

        await Factory.DispatchAsync();

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal(ReminderStatus.Sent, reminder.Status);
        Assert.Equal("dry_run", Assert.Single(reminder.DeliveryAttempts).Outcome);
        Assert.Contains("\"outcome\":\"dry_run\"", await Client.GetStringAsync($"/api/v1/reminders/{id}"));
    }
}
