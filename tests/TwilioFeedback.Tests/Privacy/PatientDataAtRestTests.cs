using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TwilioFeedback.Scheduling.Privacy;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;

namespace TwilioFeedback.Tests.Privacy;

/// <summary>Phone numbers, emails, comments, reminder texts and recordings are never in PostgreSQL in clear.</summary>
public sealed class PatientDataAtRestTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Phone = "+237677123498";
    private const string SmsComment = "The nurse Mbappe Ekwalla was kind";
    private const string ApiComment = "Salle d'attente sale, Dr Tchoumi absent";
    private const string SyncComment = "Kiosk note about pharmacy queue";
    private const string Email = "esther.ngo@example.cm";
    private const string ReminderText = "Take your Coartem tablets";

    /// <summary>A new key <c>k2</c>, made active: as an operator rotating keys would configure it.</summary>
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private async Task SeedAsync()
    {
        foreach (var text in new[] { "hello", "1", "4", SmsComment })
        {
            await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, text));
        }
        var wav = Convert.ToBase64String(Voice.Tones.Wav(300, 0.2));
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsync("/api/v1/feedback", Json($$"""{"patient_id":"PAT900","language":"fr","rating":2,"content":"{{ApiComment}}","voice_data":"{{wav}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync("/api/v1/feedback/sync", Json($$"""{"items":[{"client_id":"{{Guid.NewGuid()}}","patient_id":"PAT901","language":"en","rating":5,"content":"{{SyncComment}}","given_at":"2026-11-20T10:00:00+01:00"}]}"""))).StatusCode);
        await Client.CreateAsync($$"""{"patient_id":"PAT902","message":"{{ReminderText}}","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"{{Phone}}","email":"{{Email}}","channels":["sms","email"]}""");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Every row of every table of the database, as PostgreSQL prints it.</summary>
    private static async Task<string> DumpAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" t", connection);
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                dump.AppendLine(reader.GetString(0));
            }
        }
        return dump.ToString();
    }

    private static async Task<List<string>> ColumnAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    [Fact]
    public async Task The_database_holds_no_clear_phone_number_email_comment_or_reminder_text()
    {
        await SeedAsync();

        var dump = await DumpAsync(Factory.ConnectionString);
        Assert.Contains("PAT900", dump); // the dump does see the rows
        Assert.DoesNotContain(Convert.ToHexStringLower("RIFF"u8), dump); // nor the recording's WAV header
        foreach (var secret in new[] { Phone, Phone[4..], "677 12 34 98", Email, "esther", SmsComment, "Mbappe", ApiComment, "Tchoumi", SyncComment, ReminderText, "Coartem" })
        {
            Assert.DoesNotContain(secret, dump, StringComparison.OrdinalIgnoreCase);
        }
        // Each value names its key, and the staff API still reads them in clear.
        Assert.All(await ColumnAsync(Factory.ConnectionString, "SELECT content FROM feedbacks WHERE content IS NOT NULL UNION ALL SELECT phone FROM patients WHERE phone IS NOT NULL UNION ALL SELECT message FROM reminders"),
            value => Assert.Matches("^enc1:s[0-9a-f]{8}:[A-Za-z0-9+/=]+$", value));
        var list = await Client.GetStringAsync("/api/v1/feedback?limit=10");
        Assert.Contains(SmsComment, list);
        Assert.Contains("Dr Tchoumi absent", list);
        Assert.Contains(ReminderText, await Client.GetStringAsync("/api/v1/reminders?limit=5"));
    }

    [Fact]
    public async Task A_comment_given_in_two_messages_is_joined_and_stays_encrypted()
    {
        foreach (var text in new[] { "hi", "1", "3", "Long wait at the lab.", "Then the cashier shouted." })
        {
            await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, text));
        }
        var list = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/feedback?limit=1")).RootElement.GetProperty("items")[0];
        Assert.Equal("Long wait at the lab.\nThen the cashier shouted.", list.GetProperty("content").GetString());
        Assert.DoesNotContain("cashier", await DumpAsync(Factory.ConnectionString));
    }

    [Fact]
    public async Task Rotating_the_key_re_encrypts_every_value_in_the_background_and_nothing_is_lost()
    {
        await SeedAsync();
        // A row written before encryption existed, in clear: the job encrypts it too.
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("UPDATE feedbacks SET content = 'legacy clear comment' WHERE channel = 'sync'", connection).ExecuteNonQueryAsync();
        }

        // The same database served with a new active key k2 (the old key stays readable).
        using var rotated = Factory.WithWebHostBuilder(builder => builder.ConfigureAppConfiguration((_, configuration) =>
            configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Security:DataKeys:k2"] = NewKey, ["Security:ActiveDataKey"] = "k2" })));
        using (var scope = rotated.Services.CreateScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<DataKeyRotationJob>().RunAsync(CancellationToken.None) > 0);
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DataKeyRotationJob>().RunAsync(CancellationToken.None));
        }

        var values = await ColumnAsync(Factory.ConnectionString,
            """
            SELECT content FROM feedbacks WHERE content IS NOT NULL UNION ALL SELECT phone FROM patients WHERE phone IS NOT NULL
            UNION ALL SELECT message FROM reminders UNION ALL SELECT phone_number FROM reminders UNION ALL SELECT email FROM reminders
            UNION ALL SELECT key_id FROM voice_recordings
            """);
        Assert.Equal(8, values.Count); // three comments, a phone, a reminder's text, number and email, a recording
        Assert.All(values, value => Assert.True(value.StartsWith("enc1:k2:", StringComparison.Ordinal) || value == "k2", value));
        var admin = rotated.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("admin"));
        var list = await admin.GetStringAsync("/api/v1/feedback?limit=10");
        Assert.Contains(SmsComment, list);
        Assert.Contains("legacy clear comment", list);
        var voiceId = JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray().Single(i => i.TryGetProperty("has_voice", out var v) && v.GetBoolean()).GetProperty("id").GetInt64();
        Assert.Equal(Voice.Tones.Wav(300, 0.2), await admin.GetByteArrayAsync($"/api/v1/feedback/{voiceId}/voice"));
        Assert.DoesNotContain("legacy clear comment", await DumpAsync(Factory.ConnectionString));
    }
}

/// <summary>Comments and recordings past the retention period are purged; ratings stay for statistics.</summary>
public sealed class RetentionTests(RetentionTests.ThirtyDays factory) : IntegrationTest<RetentionTests.ThirtyDays>(factory)
{
    public sealed class ThirtyDays : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Retention:Days"] = "30" };
    }

    private async Task<long> PostAsync(string comment, int rating)
    {
        var wav = Convert.ToBase64String(Voice.Tones.Wav(440, 0.1));
        var response = await Client.PostAsync("/api/v1/feedback", new StringContent(
            $$"""{"patient_id":"PAT77","language":"en","rating":{{rating}},"content":"{{comment}}","voice_data":"{{wav}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Comments_and_recordings_older_than_the_setting_are_purged_and_ratings_kept()
    {
        var old = await PostAsync("old comment", 2);
        Factory.Clock.Advance(TimeSpan.FromDays(31));
        var recent = await PostAsync("recent comment", 5);

        using (var scope = Factory.Services.CreateScope())
        {
            Assert.Equal((1, 1), await scope.ServiceProvider.GetRequiredService<RetentionJob>().PurgeAsync(CancellationToken.None));
        }

        var oldItem = JsonDocument.Parse(await Client.GetStringAsync($"/api/v1/feedback/{old}")).RootElement;
        Assert.False(oldItem.TryGetProperty("content", out _));
        Assert.Equal(2, oldItem.GetProperty("rating").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/feedback/{old}/voice")).StatusCode);
        Assert.Equal("recent comment", JsonDocument.Parse(await Client.GetStringAsync($"/api/v1/feedback/{recent}")).RootElement.GetProperty("content").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/api/v1/feedback/{recent}/voice")).StatusCode);
    }
}

/// <summary>A key ring the server cannot use stops start-up, naming the setting.</summary>
public sealed class DataKeyValidationTests
{
    private sealed class WithWrongKeys : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Security:DataKeys:k2"] = Convert.ToBase64String("only sixteen byt"u8),
            ["Security:ActiveDataKey"] = "k3",
        };
    }

    [Fact]
    public void A_short_data_key_or_an_unknown_active_key_stops_start_up_naming_the_settings()
    {
        using var factory = new WithWrongKeys();
        var error = Record.Exception(() => factory.Server);
        Assert.NotNull(error);
        var said = error + string.Join('\n', factory.Logs.Lines);
        Assert.Contains("Security:DataKeys:k2 must be 32 bytes", said);
        Assert.Contains("Security:ActiveDataKey names k3", said);
        Assert.DoesNotContain(Convert.ToBase64String("only sixteen byt"u8), said);
    }
}

public sealed class ScrubTests
{
    [Theory]
    [InlineData("The 'To' number +237677123456 is not a valid phone number.", "677123456")]
    [InlineData("Attempt to send to unsubscribed recipient 237 677 12 34 56", "677 12 34 56")]
    [InlineData("SMTP 550: 5.1.1 <awa.ngo@example.cm>: Recipient address rejected", "awa.ngo")]
    public void Provider_error_text_loses_numbers_and_emails_before_it_is_stored_or_logged(string error, string secret)
    {
        var scrubbed = new TwilioFeedback.Scheduling.Reminders.SendResult(null, true, 21211, error).Error!;
        Assert.DoesNotContain(secret, scrubbed);
        Assert.Contains("•", scrubbed);
        Assert.DoesNotContain(secret, new TwilioFeedback.Scheduling.Email.EmailResult(null, true, error).Error);
    }
}
