using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Scheduling.Privacy;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Privacy;

/// <summary>A server whose alerts and email reminders go to the SendGrid stub.</summary>
public sealed class FullRunFactory : TwilioApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Analysis:AlertEmail"] = "quality@dgh.example",
        ["Retention:Days"] = "30",
    };
}

/// <summary>
/// Every channel and every API a hospital uses, end to end, with every log line the server writes at
/// every level captured: none may hold a patient's number, email, comment, or a secret.
/// </summary>
public sealed class LogScanTests(FullRunFactory factory) : IntegrationTest<FullRunFactory>(factory)
{
    private const string SmsPatient = "+237677310245";
    private const string WhatsAppPatient = "+237699420356";
    private const string Caller = "+237655530467";
    private const string UssdPatient = "+237622640578";
    private const string ReminderPatient = "+237691750689";
    private const string NewNumber = "+237678860791";
    private const string Email = "marie.ebobisse@example.cm";
    private static readonly string[] Comments =
    [
        "Dr Nkotto Ebanda ignored my mother",
        "Le caissier Mbarga a demandé un pot-de-vin",
        "Waited since dawn at Ndokoti ward",
        "Bon accueil chez Mama Essomba",
        "Kiosk note from Bonaberi health worker",
        "Rendez-vous cardiologie Dr Eyoum",
    ];

    private string Twilio(string path) => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/{path}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private void StubProviders()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(Twilio("Messages.json")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"sid":"SM11112222333344445555666677778888","status":"queued"}"""));
        Factory.TwilioApi.Given(Request.Create().WithPath("/v3/mail/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("X-Message-Id", "sg-msg-1"));
    }

    private async Task SmsAsync(string from, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            Assert.Equal(HttpStatusCode.OK, (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(from, body))).StatusCode);
        }
    }

    private async Task CallAsync()
    {
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        var recordingSid = "RE" + Guid.NewGuid().ToString("N");
        var recording = Twilio($"Recordings/{recordingSid}");
        Factory.TwilioApi.Given(Request.Create().WithPath(recording + ".wav").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/x-wav").WithBody(Voice.Tones.Wav(300, 0.3)));
        Factory.TwilioApi.Given(Request.Create().WithPath(recording + ".json").UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));
        List<KeyValuePair<string, string>> Form(params (string Key, string Value)[] extra) =>
        [
            new("AccountSid", TwilioRequests.AccountSid), new("CallSid", callSid), new("From", Caller),
            new("Caller", Caller), new("To", TwilioRequests.HospitalNumber), new("Direction", "inbound"),
            .. extra.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)),
            // Twilio sends each field once: a step that names its own CallStatus keeps it.
            .. extra.Any(e => e.Key == "CallStatus") ? [] : new KeyValuePair<string, string>[] { new("CallStatus", "in-progress") },
        ];
        foreach (var (step, form) in new[]
        {
            ("/twilio/voice", Form()),
            ("/twilio/voice?step=1", Form(("Digits", "2"))),
            ("/twilio/voice?step=2", Form(("Digits", "1"))),
            ("/twilio/voice?step=3", Form(("RecordingUrl", Factory.ApiBaseUrl + recording), ("RecordingSid", recordingSid), ("RecordingDuration", "4"), ("Digits", "#"))),
            ("/twilio/voice/recording", Form(("RecordingSid", recordingSid), ("RecordingUrl", Factory.ApiBaseUrl + recording), ("RecordingStatus", "completed"), ("RecordingDuration", "4"))),
            ("/twilio/status/call", Form(("CallStatus", "completed"), ("CallDuration", "40"))),
        })
        {
            Assert.Equal(HttpStatusCode.OK, (await Client.PostTwilioAsync(step, form)).StatusCode);
        }
        await Eventually.ReturnsAsync(async () =>
        {
            await using var db = Factory.Db();
            return await db.VoiceRecordings.AsNoTracking().CountAsync(r => r.Status == RecordingStatus.Stored);
        }, stored => stored == 1);
    }

    private async Task UssdAsync()
    {
        foreach (var text in new[] { "", "1", "1*5", "1*5*" + Comments[3] })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/ussd/" + TwilioApiFactory.UssdSecret)
            {
                Content = new FormUrlEncodedContent([new("sessionId", "ATUid_scan"), new("serviceCode", "*384*1234#"), new("phoneNumber", UssdPatient), new("text", text)]),
            };
            Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(request)).StatusCode);
        }
    }

    private async Task RunJobAsync<TJob>(Func<TJob, Task> run) where TJob : notnull
    {
        using var scope = Factory.Services.CreateScope();
        await run(scope.ServiceProvider.GetRequiredService<TJob>());
    }

    [Fact]
    public async Task A_full_run_of_every_channel_and_API_leaves_no_patient_data_or_secret_in_the_logs()
    {
        StubProviders();

        // Patients by SMS (an alarming comment), WhatsApp, a call with a spoken comment, USSD.
        await SmsAsync(SmsPatient, "hello", "1", "2", Comments[0]);
        await SmsAsync("whatsapp:" + WhatsAppPatient, "bonjour", "2", "1", Comments[1]);
        await SmsAsync(SmsPatient, "HELP", "STOP", "START", "nonsense " + Email);
        await CallAsync();
        await UssdAsync();

        // Staff through the API.
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsync("/api/v1/feedback", Json($$"""{"patient_id":"PAT314","language":"en","rating":1,"content":"{{Comments[2]}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync("/api/v1/feedback/sync", Json($$"""{"items":[{"client_id":"{{Guid.NewGuid()}}","patient_id":"PAT315","language":"fr","rating":4,"content":"{{Comments[4]}}","given_at":"2026-11-23T10:00:00+01:00"}]}"""))).StatusCode);
        var reminder = await Client.CreateAsync($$"""{"patient_id":"PAT316","message":"{{Comments[5]}}","language":"fr","scheduled_time":"{{Factory.Now()}}","phone_number":"{{ReminderPatient}}","email":"{{Email}}","channels":["sms"],"confirm":true}""");
        var emailReminder = await Client.CreateAsync($$"""{"patient_id":"PAT317","message":"{{Comments[5]}}","language":"en","scheduled_time":"{{Factory.Now()}}","email":"{{Email}}"}""");
        await Factory.DispatchAsync();
        Assert.Equal("sent", (await Factory.ReminderAsync(reminder)).Status);
        Assert.Equal("sent", (await Factory.ReminderAsync(emailReminder)).Status);
        await SmsAsync(ReminderPatient, "1"); // confirms the reminder
        Assert.Equal(HttpStatusCode.OK, (await Client.PostTwilioAsync("/twilio/status/message", [new("MessageSid", "SM11112222333344445555666677778888"), new("MessageStatus", "delivered"), new("To", ReminderPatient), new("From", TwilioRequests.HospitalNumber), new("AccountSid", TwilioRequests.AccountSid)])).StatusCode);
        await RunJobAsync<FeedbackAnalysisJob>(job => job.Invoke());
        Assert.Contains(Factory.TwilioApi.LogEntries, e => e.RequestMessage.Path == "/v3/mail/send" && e.RequestMessage.Body!.Contains("quality@dgh.example"));

        Assert.Contains(Comments[0], await Client.GetStringAsync("/api/v1/feedback?limit=50"));
        Assert.Contains(Comments[2], await Client.GetStringAsync("/api/v1/feedback/export.csv"));
        await Client.GetStringAsync("/api/v1/feedback/stats?group_by=channel");
        await Client.GetStringAsync($"/api/v1/reminders/{reminder}");
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/api/v1/patients/PAT314")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsync("/api/v1/patients/PAT314", Json($$"""{"phone_number":"{{NewNumber}}","opted_out":false}"""))).StatusCode);
        // Bad input that carries patient data is refused without echoing it to the logs.
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PutAsync("/api/v1/patients/PAT314", Json($$"""{"phone_number":"{{NewNumber}}x","preferred_language":"{{Email}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync("/api/v1/reminders", Json($$"""{"patient_id":"PAT318","message":"x","language":"en","scheduled_time":"soon","phone_number":"{{NewNumber}}99","email":"not-an-email {{Email}}"}"""))).StatusCode);
        await RunJobAsync<DataKeyRotationJob>(job => job.RunAsync(CancellationToken.None));
        Factory.Clock.Advance(TimeSpan.FromDays(40));
        await RunJobAsync<RetentionJob>(job => job.PurgeAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/v1/patients/PAT314")).StatusCode);

        var logs = string.Join('\n', Factory.Logs.Lines);
        Assert.Contains(Factory.Logs.Lines, l => l.Contains("ConversationRunner")); // the run wrote its usual log lines
        Assert.Contains("+2376", logs); // numbers appear masked
        var numbers = new[] { SmsPatient, WhatsAppPatient, Caller, UssdPatient, ReminderPatient, NewNumber };
        string[] secrets =
        [
            .. numbers, .. numbers.Select(n => n[1..]), .. numbers.Select(n => n[4..]),
            Email, Email.Split('@')[0], .. Comments, .. Comments.Select(c => c.Split(' ')[^1]),
            AppFactory.AuthToken, AppFactory.SecretKey, TwilioApiFactory.UssdSecret, "SG.test-key", "sendgrid-events-secret", AppFactory.Token("admin"),
        ];
        foreach (var secret in secrets)
        {
            var line = Factory.Logs.Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
            Assert.True(line is null, $"'{secret}' reached the logs: {line}");
        }
    }
}
