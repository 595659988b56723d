using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Privacy;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Conversations;

namespace TwilioFeedback.Tests.Faults;

/// <summary>Signed messages replayed after the Redis reply window: a state change happens once per message, ever.</summary>
public sealed class ReplayTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Patient = "+237690000311";

    /// <summary>Forgets what Redis knows of a message, as 24 hours (the reply window) would.</summary>
    private async Task ForgetInRedisAsync(string sid)
    {
        var keys = new RedisKeys(Factory.KeyPrefix);
        await Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().KeyDeleteAsync([keys.Reply(sid), keys.Claim(sid)]);
    }

    private async Task<DateTimeOffset?> OptedOutAtAsync()
    {
        await using var db = Factory.Db();
        return await db.Patients.AsNoTracking().Select(p => p.OptedOutAt).SingleAsync();
    }

    [Fact]
    public async Task A_STOP_replayed_after_the_reply_window_leaves_the_patient_opted_in()
    {
        var client = Factory.BoundedClient();
        var stop = TwilioRequests.NewMessageSid();
        Assert.NotNull(await client.SmsAsync(Patient, "STOP", stop));
        Assert.NotNull(await OptedOutAtAsync());
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.NotNull(await client.SmsAsync(Patient, "START"));
        Assert.Null(await OptedOutAtAsync());

        Factory.Clock.Advance(TimeSpan.FromDays(2));
        await ForgetInRedisAsync(stop);
        var replay = await client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Patient, "STOP", stop));

        Assert.Empty(await replay.MessagesAsync());
        Assert.Null(await OptedOutAtAsync());
        // The patient's own next message still opts them out.
        Assert.NotNull(await client.SmsAsync(Patient, "STOP"));
        Assert.NotNull(await OptedOutAtAsync());
    }

    [Fact]
    public async Task Handled_message_ids_are_forgotten_by_the_retention_job_after_400_days()
    {
        var client = Factory.BoundedClient();
        var old = TwilioRequests.NewMessageSid();
        await client.SmsAsync(Patient, "STOP", old);
        Factory.Clock.Advance(TimeSpan.FromDays(300));
        await client.SmsAsync(Patient, "START");
        Factory.Clock.Advance(TimeSpan.FromDays(101));

        using (var scope = Factory.Services.CreateScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RetentionJob>().PurgeProcessedMessagesAsync(CancellationToken.None));
        }
        await using var db = Factory.Db();
        Assert.Equal([false], await db.ProcessedMessages.Select(m => m.ProviderId == old).ToListAsync());
    }
}
