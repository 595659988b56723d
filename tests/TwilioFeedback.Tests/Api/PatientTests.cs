using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;
using TwilioFeedback.Webhooks.Conversations;

namespace TwilioFeedback.Tests.Api;

/// <summary>Patients through the API: read (masked), change, erase; and the audit log of it.</summary>
public sealed class PatientTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Phone = "+237690000123";

    /// <summary>PAT500 texts in (rating + comment), then is named by the hospital; voice feedback too.</summary>
    private async Task SeedAsync()
    {
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "hello"));
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "2"));
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "4"));
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "Mon voisin Ngo Bassong était là"));
        await using var db = Factory.Db();
        (await db.Patients.SingleAsync()).ExternalId = "PAT500";
        await db.SaveChangesAsync();
        var wav = Convert.ToBase64String(Voice.Tones.Wav(300, 0.2));
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsync("/api/v1/feedback", new StringContent($$"""{"patient_id":"PAT500","language":"fr","rating":3,"voice_data":"{{wav}}"}""", Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task Staff_read_a_patient_with_contact_details_masked_and_the_read_is_audited()
    {
        await SeedAsync();
        var nurse = Factory.ClientWith(AppFactory.Token("staff", name: "Nurse Eyenga"));
        var patient = JsonDocument.Parse(await nurse.GetStringAsync("/api/v1/patients/PAT500")).RootElement;

        Assert.Equal("+2376••••••23", patient.GetProperty("phone").GetString());
        Assert.Equal(("french", 2), (patient.GetProperty("preferred_language").GetString(), patient.GetProperty("feedback_count").GetInt32()));
        var audit = await Client.GetStringAsync("/api/v1/audit");
        Assert.Contains("\"actor\":\"Nurse Eyenga\",\"action\":\"read\",\"target\":\"patient PAT500\"", audit);
        Assert.Equal(HttpStatusCode.Forbidden, (await nurse.GetAsync("/api/v1/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await nurse.GetAsync("/api/v1/patients/NOBODY")).StatusCode);
    }

    [Fact]
    public async Task Staff_change_language_and_opt_out()
    {
        await SeedAsync();
        var response = await Client.PutAsync("/api/v1/patients/PAT500", new StringContent("""{"preferred_language":"ewondo","opted_out":true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ewondo", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("preferred_language").GetString());
        // Opted out by staff: the patient's next message gets no reply.
        Assert.Empty(await (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "5"))).MessagesAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PutAsync("/api/v1/patients/PAT500", new StringContent("""{"preferred_language":"latin"}""", Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task Staff_set_a_patients_email_and_channels_and_reminders_follow_them()
    {
        await SeedAsync();
        var response = await Client.PutAsync("/api/v1/patients/PAT500", new StringContent("""{"email":"awa.ngo@example.cm","channels":["whatsapp","sms"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var patient = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("a••••••@example.cm", patient.GetProperty("email").GetString());
        Assert.Equal(["whatsapp", "sms"], patient.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));

        // A reminder that names no channels goes the patient's preferred way.
        var reminder = await Client.PostAsync("/api/v1/reminders", new StringContent(
            $$"""{"patient_id":"PAT500","message":"Rendez-vous demain","language":"fr","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"{{Phone}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, reminder.StatusCode);
        Assert.Equal(["whatsapp", "sms"], JsonDocument.Parse(await reminder.Content.ReadAsStringAsync()).RootElement.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));

        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PutAsync("/api/v1/patients/PAT500", new StringContent("""{"channels":[null]}""", Encoding.UTF8, "application/json"))).StatusCode);
        var bad = await Client.PutAsync("/api/v1/patients/PAT500", new StringContent("""{"email":"not mail","channels":["pigeon"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _) && errors.TryGetProperty("channels", out _));
        Assert.Equal(["whatsapp", "sms"], JsonDocument.Parse(await Client.GetStringAsync("/api/v1/patients/PAT500")).RootElement.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
    }

    public static TheoryData<string, string> UnusableContacts() => new()
    {
        { """{"phone_number":"+1 evil"}""", "phone_number" },
        { """{"phone_number":"+"}""", "phone_number" },
        { """{"phone_number":"+abc"}""", "phone_number" },
        { $$"""{"phone_number":"+{{new string('7', 5000)}}"}""", "phone_number" },
        { """{"email":"Victim <a@b.c>, evil@x.y"}""", "email" },
    };

    [Theory]
    [MemberData(nameof(UnusableContacts))]
    public async Task A_number_or_email_the_senders_cannot_use_is_refused_naming_the_field_and_nothing_changes(string body, string field)
    {
        await SeedAsync();

        var response = await Client.PutAsync("/api/v1/patients/PAT500", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(e => e.Name));
        await using var db = Factory.Db();
        var patient = await db.Patients.AsNoTracking().SingleAsync(p => p.ExternalId == "PAT500");
        Assert.Equal((Phone, null), (patient.Phone, patient.Email));
    }

    [Fact]
    public async Task A_patients_number_is_stored_in_E164_and_an_email_as_its_bare_address()
    {
        await SeedAsync();

        var response = await Client.PutAsync("/api/v1/patients/PAT500", new StringContent("""{"phone_number":"690 00 01 24","email":"Awa Ngo <awa.ngo@example.cm>"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = Factory.Db();
        var patient = await db.Patients.AsNoTracking().SingleAsync(p => p.ExternalId == "PAT500");
        Assert.Equal(("+237690000124", "awa.ngo@example.cm"), (patient.Phone, patient.Email));
    }

    [Fact]
    public async Task Erasure_removes_personal_data_and_recordings_and_keeps_anonymous_ratings()
    {
        await SeedAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await Factory.ClientWith(AppFactory.Token("staff")).DeleteAsync("/api/v1/patients/PAT500")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/v1/patients/PAT500")).StatusCode);

        await using var connection = new Npgsql.NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        async Task<long> CountAsync(string sql) => (long)(await new Npgsql.NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM patients WHERE phone IS NOT NULL OR phone_hash IS NOT NULL OR external_id = 'PAT500'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM feedbacks WHERE content IS NOT NULL"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM voice_recordings"));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM feedbacks WHERE rating IN (3, 4)"));
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM patients WHERE phone LIKE '%{Phone[1..]}%'"));
        Assert.Contains("\"action\":\"erase\"", await Client.GetStringAsync("/api/v1/audit"));
        // Nor does Redis keep the patient's copy or their open conversation.
        var redis = Factory.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
        Assert.Empty(redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: Factory.KeyPrefix + "patient:*"));
        Assert.Empty(redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: Factory.KeyPrefix + "conv:*"));
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/v1/patients/PAT500")).StatusCode);

        // The number writing again is a stranger: the language menu, and nothing joins the erased feedback.
        var again = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "encore moi"));
        Assert.Equal(StudioSteps.Menu(Factory.Services.GetRequiredService<PatientTexts>(), Language.English), Assert.Single(await again.MessagesAsync()));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM feedbacks WHERE content IS NOT NULL"));
    }

    [Fact]
    public async Task Erasure_drops_the_patients_effects_held_in_Redis_for_an_outage_and_no_one_elses()
    {
        await SeedAsync();
        long erased;
        await using (var db = Factory.Db())
        {
            erased = (await db.Patients.SingleAsync(p => p.ExternalId == "PAT500")).Id;
        }
        var redis = Factory.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        // Another instance's drainer holds the queue: nothing held is written back while the test looks.
        Assert.True(await redis.LockTakeAsync(new RedisKeys(Factory.KeyPrefix).DrainLock, "elsewhere", TimeSpan.FromMinutes(1)));
        var cipher = Factory.Services.GetRequiredService<DataCipher>();
        var items = new RedisKeys(Factory.KeyPrefix).HeldItems;
        var failed = new RedisKeys(Factory.KeyPrefix).HeldFailed;
        async Task HoldAsync(StackExchange.Redis.RedisKey key, long patientId, string messageId)
        {
            var held = new HeldEffects(patientId, TwilioFeedback.Conversations.Channel.Sms, messageId, Factory.Clock.GetUtcNow(),
                [new HeldEffect(nameof(TwilioFeedback.Conversations.SaveComment), "conversation-1", Text: "Mon voisin Ngo Bassong était là")]);
            await redis.HashSetAsync(key, messageId, cipher.Protect(JsonSerializer.Serialize(held, PendingJson.Default.HeldEffects)));
            if (key == items)
            {
                await redis.SortedSetAddAsync(new RedisKeys(Factory.KeyPrefix).HeldOrder, messageId, await redis.SortedSetLengthAsync(new RedisKeys(Factory.KeyPrefix).HeldOrder));
            }
        }
        await HoldAsync(items, erased, "SMerased1");
        await HoldAsync(items, erased + 1000, "SMsomeoneelse");
        await HoldAsync(items, erased, "SMerased2");
        await HoldAsync(failed, erased, "SMerased3");

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/v1/patients/PAT500")).StatusCode);

        Assert.Equal(["SMsomeoneelse"], (await redis.HashKeysAsync(items)).Select(k => k.ToString()));
        Assert.Equal(["SMsomeoneelse"], (await redis.SortedSetRangeByRankAsync(new RedisKeys(Factory.KeyPrefix).HeldOrder)).Select(k => k.ToString()));
        Assert.Empty(await redis.HashKeysAsync(failed));
    }
}
