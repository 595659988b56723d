using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Tests.Faults;

/// <summary>The server on a PostgreSQL of its own, which the tests stop and start again.</summary>
public sealed class PrivatePostgresFactory : AppFactory
{
    public PrivatePostgres Postgres { get; } = new();

    protected override string AdminConnectionString => Postgres.AdminConnectionString;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Ussd:SharedSecret"] = FaultSteps.UssdSecret,
        ["PendingEffects:DrainEvery"] = "00:00:00.200",
        ["Reminders:DispatchOnSchedule"] = "false",
    };

    protected override Task StartServicesAsync() => Postgres.InitAsync();

    /// <summary>Connections a previous test's outage broke are dropped, so the reset starts on good ones.</summary>
    public override Task ResetAsync()
    {
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }
        return base.ResetAsync();
    }

    protected override async Task StopServicesAsync() => await Postgres.DisposeAsync();

    /// <summary>How many messages' effects wait in Redis for PostgreSQL.</summary>
    public Task<long> HeldAsync() => Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().SortedSetLengthAsync(new RedisKeys(KeyPrefix).HeldOrder);
}

/// <summary>PostgreSQL down for a while: patients are answered, their feedback held and written once when it returns.</summary>
public sealed class PostgresOutageTests(PrivatePostgresFactory factory) : IntegrationTest<PrivatePostgresFactory>(factory)
{
    private const string Patient = "+237690000301";

    private string Text(string key) => Factory.Services.GetRequiredService<PatientTexts>().Get(key, Language.English);

    /// <summary>Rows, or null while PostgreSQL (or a connection the outage broke) does not answer.</summary>
    private async Task<List<Feedback>?> FeedbacksAsync()
    {
        try
        {
            await using var db = Factory.Db();
            return await db.Feedbacks.AsNoTracking().ToListAsync();
        }
        catch (Exception exception) when (Outage.IsDatabase(exception))
        {
            return null;
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task Feedback_given_while_PostgreSQL_is_down_is_held_and_written_once_when_it_returns()
    {
        var client = Factory.BoundedClient(AppFactory.Token("admin"));
        await client.SmsAsync(Patient, "hello");
        await client.SmsAsync(Patient, "1");
        Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        var givenAt = Factory.Clock.GetUtcNow();

        await Factory.Postgres.StopAsync();
        var ratingSid = TwilioRequests.NewMessageSid();
        try
        {
            Assert.Equal(Text(MessageKeys.AskComment), await client.SmsAsync(Patient, "4", ratingSid));
            Assert.Equal(Text(MessageKeys.AskComment), await client.SmsAsync(Patient, "4", ratingSid)); // Twilio's retry
            Factory.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(Text(MessageKeys.Thanks), await client.SmsAsync(Patient, "Long wait at the pharmacy"));
            Assert.Equal(2, await Factory.HeldAsync());
            // What waits in Redis is encrypted like the columns it is bound for.
            var held = await Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().HashGetAllAsync(new RedisKeys(Factory.KeyPrefix).HeldItems);
            Assert.Equal(2, held.Length);
            Assert.All(held, entry => Assert.StartsWith("enc1:", entry.Value.ToString()));
            Assert.DoesNotContain(held, entry => entry.Value.ToString().Contains("pharmacy", StringComparison.Ordinal));

            // The same patient calls: the survey by keypad goes on too, in the language chosen before.
            var callSid = "CA" + Guid.NewGuid().ToString("N");
            Assert.Equal("Gather", (await client.CallAsync(Patient, callSid)).Root!.Elements().First().Name.LocalName);
            Assert.Contains((await client.CallStepAsync(Patient, callSid, 1, "5")).Root!.Elements(), e => e.Name.LocalName == "Record");
            Assert.Equal(3, await Factory.HeldAsync());

            // A number never seen cannot be created now: a polite answer; its message is kept (encrypted) for later.
            Assert.Equal(FaultSteps.OutageSms, await client.SmsAsync("+237690000399", "hello"));
            Assert.StartsWith("END " + FaultSteps.OutageEnglish, await client.UssdAsync("+237690000398", "session-pg-down", ""));
            Assert.Equal(3, await Factory.HeldAsync());
            var webhooks = await Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().HashGetAllAsync(new RedisKeys(Factory.KeyPrefix).HeldWebhooks);
            var stranger = Assert.Single(webhooks);
            Assert.StartsWith("enc1:", stranger.Value.ToString());
            Assert.DoesNotContain("690000399", stranger.Value.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await Factory.Postgres.StartAsync();
        }

        var rows = await Eventually.ReturnsAsync(FeedbacksAsync, r => r is { Count: 2 } && r.Any(f => f.Content is not null), TimeSpan.FromSeconds(30));
        Assert.Equal(2, rows?.Count);
        var feedback = rows!.Single(f => f.Channel == "sms");
        Assert.Equal((4, "Long wait at the pharmacy", "en"), (feedback.Rating, feedback.Content, feedback.Language));
        Assert.Equal(givenAt, feedback.DateSubmitted); // when it was given, not when it was written
        var call = rows!.Single(f => f.Channel == "voice");
        Assert.Equal((5, "en"), (call.Rating, call.Language));
        Assert.Equal(0, await Eventually.ReturnsAsync(Factory.HeldAsync, n => n == 0));

        // The stranger's message was not lost: replayed, it made the patient, who is asked for a language.
        var redis = Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        Assert.Equal(0, await Eventually.ReturnsAsync(() => redis.SortedSetLengthAsync(new RedisKeys(Factory.KeyPrefix).HeldWebhookOrder), n => n == 0, TimeSpan.FromSeconds(30)));
        await using (var db = Factory.Db())
        {
            Assert.Equal(2, await db.Patients.CountAsync());
        }

        // Twilio retrying the rating once more changes nothing.
        Assert.Equal(Text(MessageKeys.AskComment), await client.SmsAsync(Patient, "4", ratingSid));
        Assert.Equal(2, (await FeedbacksAsync())!.Count);
    }

    [Fact(Timeout = 90_000)]
    public async Task While_PostgreSQL_is_down_the_API_answers_503_and_readiness_is_unhealthy()
    {
        var client = Factory.BoundedClient(AppFactory.Token("admin"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/feedback")).StatusCode);

        await Factory.Postgres.StopAsync();
        try
        {
            var list = await client.GetAsync("/api/v1/feedback");
            var create = await client.PostAsync("/api/v1/feedback", new StringContent("""{"patient_id":"PAT1","language":"en","rating":5}""", System.Text.Encoding.UTF8, "application/json"));
            var ready = await client.GetAsync("/health/ready");
            var full = await client.GetAsync("/health/full");

            foreach (var response in new[] { list, create })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(TimeSpan.FromSeconds(OutageExceptionHandler.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
            }
            // Still ready: patients are answered and their feedback held; the full check tells operators.
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await Factory.Postgres.StartAsync();
        }
        var back = await Eventually.ReturnsAsync(async () => (await client.GetAsync("/health/full")).StatusCode, s => s == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, back);
        Assert.Equal(HttpStatusCode.OK, (await Eventually.ReturnsAsync(() => client.GetAsync("/api/v1/feedback"), r => r.StatusCode == HttpStatusCode.OK)).StatusCode);
    }
    /// <summary>A reminder's status, or null while PostgreSQL (or a broken connection) does not answer.</summary>
    private async Task<string?> ReminderStatusAsync(long id)
    {
        try
        {
            await using var db = Factory.Db();
            return await db.Reminders.Where(r => r.Id == id).Select(r => r.Status).SingleAsync();
        }
        catch (Exception exception) when (Outage.IsDatabase(exception))
        {
            return null;
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task Status_callbacks_that_come_while_PostgreSQL_is_down_are_held_and_applied_once_it_is_back()
    {
        var client = Factory.BoundedClient(AppFactory.Token("admin"));
        const string messageSid = "SM000000000000000000000000c0ffee01", callSid = "CA000000000000000000000000c0ffee02";
        var ids = new List<long>();
        foreach (var (patient, channel, sid) in new[] { ("PAT-H1", "sms", messageSid), ("PAT-H2", "voice", callSid) })
        {
            var created = await client.PostAsync("/api/v1/reminders", new StringContent(
                $$"""{"patient_id":"{{patient}}","message":"Clinic at 8.","language":"en","scheduled_time":"{{Factory.Clock.GetUtcNow().AddDays(1):O}}","phone_number":"+23769000031{{ids.Count}}","channels":["{{channel}}"]}""",
                System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
            await using var db = Factory.Db();
            await db.Reminders.Where(r => r.Id == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, "sent").SetProperty(r => r.ProviderId, sid));
            ids.Add(id);
        }
        var status = new RedisKeys(Factory.KeyPrefix).HeldWebhookOrder;
        var redis = Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

        await Factory.Postgres.StopAsync();
        try
        {
            // Twilio sends a status callback once and does not retry a 503: it is answered 200 and kept.
            KeyValuePair<string, string>[] delivered = [new("MessageSid", messageSid), new("MessageStatus", "delivered"), new("AccountSid", TwilioRequests.AccountSid)];
            KeyValuePair<string, string>[] busy = [new("CallSid", callSid), new("CallStatus", "busy"), new("AccountSid", TwilioRequests.AccountSid)];
            foreach (var (path, form) in new[] { ("/twilio/status/message", delivered), ("/twilio/status/message", delivered), ("/twilio/status/call", busy) })
            {
                var answer = await client.PostTwilioAsync(path, form);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Contains("<Response", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            Assert.Equal(2, await redis.SortedSetLengthAsync(status)); // the repeat is held once
            // A forged callback is refused before anything is held.
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostTwilioAsync("/twilio/status/message", delivered, signature: "forged")).StatusCode);
            Assert.Equal(2, await redis.SortedSetLengthAsync(status));
        }
        finally
        {
            await Factory.Postgres.StartAsync();
        }

        Assert.Equal(ReminderStatus.Delivered, await Eventually.ReturnsAsync(() => ReminderStatusAsync(ids[0]), s => s == ReminderStatus.Delivered, TimeSpan.FromSeconds(30)));
        Assert.Equal(ReminderStatus.Failed, await Eventually.ReturnsAsync(() => ReminderStatusAsync(ids[1]), s => s == ReminderStatus.Failed, TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await Eventually.ReturnsAsync(() => redis.SortedSetLengthAsync(status), n => n == 0));
        await using var rows = Factory.Db();
        Assert.Equal(2, await rows.ProviderEvents.CountAsync(e => e.Sid == messageSid || e.Sid == callSid));
    }
}
