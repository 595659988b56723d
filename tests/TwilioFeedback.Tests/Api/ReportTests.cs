using System.Net;
using System.Text.Json;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Api;

/// <summary>Statistics against a known data set, and the CSV export.</summary>
public sealed class ReportTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private async Task SeedAsync()
    {
        await using var db = Factory.Db();
        var patient = new Patient { ExternalId = "PAT-STATS", CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start };
        // 24 Nov (Douala): en sms 5, en sms 4, fr voice 1 · 25 Nov 00:30 Douala (24 Nov 23:30 UTC): fr sms 2
        (string Language, string Channel, int Rating, DateTimeOffset At, string? Content)[] rows =
        [
            ("en", "sms", 5, AppFactory.Start, "Very good, \"thank you\""),
            ("en", "sms", 4, AppFactory.Start.AddHours(1), "=HYPERLINK(\"x\")"),
            ("fr", "voice", 1, AppFactory.Start.AddHours(2), null),
            ("fr", "sms", 2, new DateTimeOffset(2026, 11, 24, 23, 30, 0, TimeSpan.Zero), "attente,\nlongue"),
        ];
        foreach (var (language, channel, rating, at, content) in rows)
        {
            db.Feedbacks.Add(new Feedback { Patient = patient, Language = language, Channel = channel, Rating = rating, DateSubmitted = at, Content = content });
        }
        await db.SaveChangesAsync();
    }

    private async Task<List<JsonElement>> GroupsAsync(string query) =>
        [.. JsonDocument.Parse(await Client.GetStringAsync("/api/v1/feedback/stats" + query)).RootElement.GetProperty("groups").EnumerateArray()];

    [Fact]
    public async Task Stats_by_day_use_Douala_days()
    {
        await SeedAsync();
        var days = await GroupsAsync("?group_by=day");
        Assert.Equal(["2026-11-24", "2026-11-25"], days.Select(d => d.GetProperty("key").GetString()));
        Assert.Equal(3, days[0].GetProperty("count").GetInt32());
        Assert.Equal(3.33, days[0].GetProperty("average_rating").GetDouble());
        Assert.Equal(0.667, days[0].GetProperty("share45").GetDouble());
        Assert.Equal(0.333, days[0].GetProperty("share12").GetDouble());
    }

    [Fact]
    public async Task Stats_by_language_and_channel_within_a_time_range()
    {
        await SeedAsync();
        var languages = await GroupsAsync("?group_by=language");
        Assert.Equal([("en", 2, 4.5), ("fr", 2, 1.5)], languages.Select(l => (l.GetProperty("key").GetString(), l.GetProperty("count").GetInt32(), l.GetProperty("average_rating").GetDouble())));
        var channels = await GroupsAsync("?group_by=channel&from=2026-11-24T09:30:00Z&to=2026-11-24T12:00:00Z");
        Assert.Equal([("sms", 1), ("voice", 1)], channels.Select(c => (c.GetProperty("key").GetString(), c.GetProperty("count").GetInt32())));
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync("/api/v1/feedback/stats?group_by=mood")).StatusCode);
    }

    [Fact]
    public async Task The_CSV_export_is_for_admins_and_quotes_what_needs_quoting()
    {
        await SeedAsync();
        var staff = await Factory.ClientWith(AppFactory.Token("staff")).GetAsync("/api/v1/feedback/export.csv");
        Assert.Equal(HttpStatusCode.Forbidden, staff.StatusCode);

        var export = await Client.GetAsync("/api/v1/feedback/export.csv");
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var csv = await export.Content.ReadAsStringAsync();
        var lines = csv.Split('\n');
        Assert.Equal("id,patient_id,language,rating,content,channel,date_submitted,processed,has_voice", lines[0]);
        Assert.Contains(",PAT-STATS,english,5,\"Very good, \"\"thank you\"\"\",sms,2026-11-24T09:00:00.0000000+00:00,false,false", csv);
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\")\",", csv);     // a formula is neutralised
        Assert.Contains("\"attente,\nlongue\"", csv);
    }
}
