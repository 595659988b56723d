using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Tests.Faults;

/// <summary>
/// Twilio posts a message again (a retry, or its fallback URL on another instance) when the first post
/// got no answer. A claim left by a process that died must not swallow it, and a post that finds the
/// first one still at work must get the same reply: each message is handled exactly once.
/// </summary>
public sealed class ClaimTakeoverTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Patient = "+237690000321";

    private IDatabase Redis => Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();

    private RedisKeys Keys => new(Factory.KeyPrefix);

    private string Text(string key) => Factory.Services.GetRequiredService<PatientTexts>().Get(key, Language.English);

    /// <summary>The patient picks English: the next message is the rating.</summary>
    private async Task<HttpClient> StartAsync()
    {
        var client = Factory.BoundedClient();
        Assert.NotNull(await client.SmsAsync(Patient, "hello"));
        Assert.Equal(Text(MessageKeys.AskRating), await client.SmsAsync(Patient, "1"));
        return client;
    }

    /// <summary>Holds the patient's SMS conversation as another message of theirs would hold it; returns its lock.</summary>
    private async Task<RedisKey> HoldConversationAsync()
    {
        await using var db = Factory.Db();
        var subject = (await db.Patients.AsNoTracking().SingleAsync()).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lockKey = Keys.ConversationLock(Channel.Sms, subject);
        Assert.True(await Redis.StringSetAsync(lockKey, RedisLock.NewToken(), TimeSpan.FromMinutes(1)));
        return lockKey;
    }

    /// <summary>Waits until <paramref name="post"/> has claimed its message (and so read the patient's copy with the claim).</summary>
    private async Task WaitForClaimAsync(string sid, Task post)
    {
        var started = DateTime.UtcNow;
        while (!await Redis.KeyExistsAsync(Keys.Claim(sid)))
        {
            Assert.False(post.IsCompleted, "the post finished before its claim was seen");
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the post never claimed its message");
            await Task.Delay(10);
        }
    }

    private async Task AssertOneRatingAsync(int rating)
    {
        await using var db = Factory.Db();
        Assert.Equal([rating], await db.Feedbacks.AsNoTracking().Select(f => f.Rating).ToListAsync());
    }

    [Fact]
    public async Task A_message_claimed_by_a_process_that_then_died_is_handled_by_the_next_post_of_it()
    {
        var client = await StartAsync();
        var sid = TwilioRequests.NewMessageSid();
        // What a process leaves when it dies right after claiming the message: its claim, renewed a last time.
        Assert.True(await Redis.StringSetAsync(Keys.Claim(sid), RedisLock.NewToken(), RedisConversationStore.ClaimTime, When.NotExists));

        // Twilio's fallback post of the same message, to another instance.
        Assert.Equal(Text(MessageKeys.AskComment), await client.SmsAsync(Patient, "4", sid));

        // Handled once: a further retry gets the same reply, and the rating is stored once.
        Assert.Equal(Text(MessageKeys.AskComment), await client.SmsAsync(Patient, "4", sid));
        Assert.Equal(Text(MessageKeys.Thanks), await client.SmsAsync(Patient, "The nurses were kind"));
        await AssertOneRatingAsync(4);
    }

    [Fact]
    public async Task A_language_pick_whose_process_died_after_saving_it_is_answered_by_the_next_post_of_it()
    {
        var client = Factory.BoundedClient();
        Assert.NotNull(await client.SmsAsync(Patient, "hello"));
        var sid = TwilioRequests.NewMessageSid();
        // What a process leaves when it dies after its database write for the pick (French) and before it saved the
        // conversation's step and reply in Redis: the record of the message, the patient's language, its claim.
        await using (var db = Factory.Db())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO processed_messages (provider_id, processed_at) VALUES ({sid}, {Factory.Clock.GetUtcNow()})"));
            Assert.Equal(1, await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE patients SET preferred_language = 'fr'"));
        }
        Assert.True(await Redis.StringSetAsync(Keys.Claim(sid), RedisLock.NewToken(), RedisConversationStore.ClaimTime, When.NotExists));

        // Twilio's fallback post of the pick, to another instance: the rating question in French, not an empty answer.
        var french = Factory.Services.GetRequiredService<PatientTexts>().Get(MessageKeys.AskRating, Language.French);
        Assert.Equal(french, await client.SmsAsync(Patient, "2", sid));
        Assert.Equal(french, await client.SmsAsync(Patient, "2", sid));
        Assert.NotEqual(french, await client.SmsAsync(Patient, "4"));
        await AssertOneRatingAsync(4);
    }

    [Fact]
    public async Task A_message_whose_handling_outlasts_the_conversation_lock_time_keeps_the_lock_renewed_until_it_is_done()
    {
        var client = await StartAsync();
        await using var db = Factory.Db();
        var subject = (await db.Patients.AsNoTracking().SingleAsync()).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var lockKey = Keys.ConversationLock(Channel.Sms, subject);
        // PostgreSQL answering very slowly: the patient's row is locked, so the rating's INSERT waits on it.
        await using var blocker = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SELECT id FROM patients FOR UPDATE");

        var rating = client.SmsAsync(Patient, "4");

        // Left alone, the lock's time to live only falls; the message's lease lifts it back while the message runs.
        var lowest = long.MaxValue;
        var started = DateTime.UtcNow;
        while (true)
        {
            var left = await Redis.KeyTimeToLiveAsync(lockKey);
            if (left is { } ttl)
            {
                var ms = (long)ttl.TotalMilliseconds;
                if (ms - 1000 > lowest)
                {
                    break;
                }
                lowest = Math.Min(lowest, ms);
            }
            Assert.False(rating.IsCompleted, "the rating was answered while its database write was blocked");
            Assert.True(DateTime.UtcNow - started < RedisConversationStore.LockTime - TimeSpan.FromSeconds(1), "the conversation's lock was never renewed");
            await Task.Delay(20);
        }

        await blocker.RollbackAsync();
        Assert.Equal(Text(MessageKeys.AskComment), await rating);
        Assert.False(await Redis.KeyExistsAsync(lockKey)); // released with the reply saved
        await AssertOneRatingAsync(4);
    }

    [Fact]
    public async Task A_post_that_finds_the_first_post_of_its_message_still_at_work_gets_the_same_reply()
    {
        var client = await StartAsync();
        // The first post waits (3 s) for the conversation, held here as another message of the patient would hold it.
        await HoldConversationAsync();
        var sid = TwilioRequests.NewMessageSid();
        var first = client.SmsAsync(Patient, "4", sid);
        await WaitForClaimAsync(sid, first);

        var second = await client.SmsAsync(Patient, "4", sid);

        Assert.Equal(Text(MessageKeys.AskComment), await first);
        Assert.Equal(Text(MessageKeys.AskComment), second);
        await AssertOneRatingAsync(4);
    }

    [Fact]
    public async Task A_STOP_applied_while_the_next_message_waits_for_the_conversation_is_heard_by_that_message()
    {
        var client = await StartAsync();
        // The STOP before this message holds the conversation (held here as that message would hold it).
        var lockKey = await HoldConversationAsync();
        var sid = TwilioRequests.NewMessageSid();
        var rating = client.SmsAsync(Patient, "4", sid);
        await WaitForClaimAsync(sid, rating);

        // The rating has read the patient's copy with its claim and waits for the lock. The STOP's effects land
        // as the runner applies them (PostgreSQL, then the copy), and the STOP lets go of the conversation.
        await using (var db = Factory.Db())
        {
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("UPDATE patients SET opted_out_at = now()"));
        }
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var copies = scope.ServiceProvider.GetRequiredService<PatientCache>();
            var patient = await copies.FindOrCreateByPhoneAsync(Patient, null, trustCopy: false, CancellationToken.None);
            Assert.True(patient.OptedOut);
            copies.Remember(Patient, patient);
        }
        Assert.True(await Redis.KeyDeleteAsync(lockKey));

        // An opted-out patient gets nothing, and the rating is not stored.
        Assert.Null(await rating);
        await using var after = Factory.Db();
        Assert.Equal(0, await after.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task A_copy_in_Redis_that_names_another_patient_does_not_take_the_message_into_that_patients_conversation()
    {
        var client = await StartAsync();
        const string other = "+237690000322";
        Assert.NotNull(await client.SmsAsync(other, "hello")); // the other patient is at the language menu
        await using (var db = Factory.Db())
        {
            var patients = await db.Patients.AsNoTracking().OrderBy(p => p.Id).ToListAsync();
            var (mine, theirs) = (patients[0], patients[1]);
            // The claim opens the conversation the copy names (theirs); not trusted (no ReadAt), so PostgreSQL names the patient (mine).
            var key = Keys.Patient(mine.PhoneHash!);
            var copy = ((string?)await Redis.StringGetAsync(key))!;
            var stale = System.Text.RegularExpressions.Regex.Replace(copy, "\"Id\":\\d+", $"\"Id\":{theirs.Id}");
            stale = System.Text.RegularExpressions.Regex.Replace(stale, ",\"ReadAt\":\"[^\"]*\"", "");
            Assert.NotEqual(copy, stale);
            Assert.True(await Redis.StringSetAsync(key, stale, TimeSpan.FromMinutes(5)));
        }

        // The rating lands in this patient's conversation (the comment question follows), and the other's is untouched.
        Assert.Equal(Text(MessageKeys.AskComment), await client.SmsAsync(Patient, "4"));
        Assert.Equal(Text(MessageKeys.AskRating), await client.SmsAsync(other, "1"));
        await AssertOneRatingAsync(4);
    }
}
