using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Web;

/// <summary><c>GET /api/v1/dashboard</c>: who may read it, what it holds, how small it stays; and the pages' files.</summary>
public sealed class DashboardApiTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private static readonly DateTimeOffset Now = AppFactory.Start;

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("guest", HttpStatusCode.Forbidden)]
    [InlineData("staff", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task The_dashboard_summary_is_for_staff(string? role, HttpStatusCode expected)
    {
        using var client = Factory.ClientWith(role is null ? null : AppFactory.Token(role));
        Assert.Equal(expected, (await client.GetAsync("/api/v1/dashboard")).StatusCode);
    }

    private async Task SeedAsync()
    {
        await using var db = Factory.Db();
        var patient = new Patient { ExternalId = "P-1", CreatedAt = Now, UpdatedAt = Now };
        db.Patients.Add(patient);
        Feedback Row(int daysAgo, int rating, string language, string channel, string? content = null, string[]? topics = null, string? sentiment = null, bool escalated = false) => new()
        {
            Patient = patient, Rating = rating, Language = language, Channel = channel, Content = content, DateSubmitted = Now.AddDays(-daysAgo),
            Topics = [.. topics ?? []], Sentiment = sentiment, EscalatedAt = escalated ? Now.AddDays(-daysAgo).AddMinutes(5) : null, Processed = sentiment is not null,
        };
        db.Feedbacks.AddRange(
            Row(0, 5, "en", "sms", "Kind nurses", ["staff_attitude"], "positive"),
            Row(0, 4, "fr", "ussd"),
            Row(1, 1, "fr", "voice", "Trop d'attente, personne ne répond", ["waiting_time", "staff_attitude"], "negative", escalated: true),
            Row(3, 3, "dua", "whatsapp", new string('x', 500)),
            Row(40, 2, "en", "sms", "Too old to count"));
        Reminder Reminder(DateTimeOffset scheduled, string status, DateTimeOffset? sentAt = null) => new()
        {
            Patient = patient, Message = "Appointment", Language = "en", ScheduledTime = scheduled, Status = status, SentAt = sentAt,
            Channels = ["sms"], CreatedAt = Now.AddDays(-2), UpdatedAt = Now,
        };
        db.Reminders.AddRange(
            Reminder(Now.AddHours(-2), ReminderStatus.Delivered, Now.AddHours(-2)),
            Reminder(Now.AddHours(-1), ReminderStatus.Failed),
            Reminder(Now.AddHours(3), ReminderStatus.Scheduled),
            Reminder(Now.AddHours(4), ReminderStatus.Cancelled),
            Reminder(Now.AddDays(2), ReminderStatus.Scheduled));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_summary_holds_the_periods_ratings_by_day_language_channel_and_topic_the_latest_comments_escalations_and_todays_reminders()
    {
        await SeedAsync();
        var response = await Client.GetAsync("/api/v1/dashboard?days=30");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("2026-11-24", summary.GetProperty("today").GetString());
        Assert.Equal(4, summary.GetProperty("count").GetInt32());
        Assert.Equal(3.25, summary.GetProperty("average_rating").GetDouble());
        Assert.Equal(["2026-11-21:1", "2026-11-23:1", "2026-11-24:2"], Keys(summary, "by_day"));
        Assert.Equal(["dua:1", "en:1", "fr:2"], Keys(summary, "by_language"));
        Assert.Equal(["sms:1", "ussd:1", "voice:1", "whatsapp:1"], Keys(summary, "by_channel"));
        Assert.Equal(["staff_attitude:2", "waiting_time:1"], Keys(summary, "by_topic"));
        Assert.Equal(3.0, summary.GetProperty("by_topic")[0].GetProperty("average_rating").GetDouble());

        var latest = summary.GetProperty("latest").EnumerateArray().ToList();
        Assert.Equal(["Kind nurses", "Trop d'attente, personne ne répond"], latest.Take(2).Select(c => c.GetProperty("comment").GetString()));
        Assert.Equal(("negative", true), (latest[1].GetProperty("sentiment").GetString(), latest[1].GetProperty("escalated").GetBoolean()));
        Assert.Equal(200, latest[2].GetProperty("comment").GetString()!.Length); // cut, with an ellipsis
        Assert.Equal(3, latest.Count); // the one without a comment is not listed, the old one is outside the period

        Assert.Equal(1, summary.GetProperty("escalation_count").GetInt32());
        var escalation = summary.GetProperty("escalations")[0];
        Assert.Equal((1, "voice"), (escalation.GetProperty("rating").GetInt32(), escalation.GetProperty("channel").GetString()));
        Assert.False(escalation.TryGetProperty("comment", out _)); // never the comment itself

        var reminders = summary.GetProperty("reminders_today");
        Assert.Equal((3, 1, 1, 1), (reminders.GetProperty("due").GetInt32(), reminders.GetProperty("sent").GetInt32(),
            reminders.GetProperty("failed").GetInt32(), reminders.GetProperty("waiting").GetInt32()));
    }

    private static string[] Keys(JsonElement summary, string name) =>
        [.. summary.GetProperty(name).EnumerateArray().Select(g => $"{g.GetProperty("key").GetString()}:{g.GetProperty("count").GetInt32()}")];

    [Fact]
    public async Task A_busy_quarter_still_fits_in_a_few_kilobytes_compressed()
    {
        await using (var db = Factory.Db())
        {
            var patient = new Patient { ExternalId = "P-busy", CreatedAt = Now, UpdatedAt = Now };
            string[] languages = ["en", "fr", "dua", "bas", "ewo"];
            string[] channels = ["sms", "whatsapp", "voice", "ussd", "api"];
            db.Feedbacks.AddRange(Enumerable.Range(0, 2000).Select(i => new Feedback
            {
                Patient = patient, Rating = 1 + i % 5, Language = languages[i % 5], Channel = channels[i / 5 % 5], DateSubmitted = Now.AddHours(-i),
                Content = "A long comment about the visit. " + new string('z', 400), Topics = ["waiting_time", "cost"], EscalatedAt = i % 7 == 0 ? Now : null,
            }));
            await db.SaveChangesAsync();
        }
        using var client = Factory.CreateDefaultClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("staff"));
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br");
        var response = await client.GetAsync("/api/v1/dashboard?days=90");
        Assert.Equal("br", response.Content.Headers.ContentEncoding.Single());
        var compressed = (await response.Content.ReadAsByteArrayAsync()).Length;
        Assert.True(compressed < 4 * 1024, $"{compressed} bytes compressed");

        var plain = await Client.GetAsync("/api/v1/dashboard?days=90");
        var json = await plain.Content.ReadAsByteArrayAsync();
        Assert.True(json.Length < 16 * 1024, $"{json.Length} bytes");
        Assert.Equal(84, JsonDocument.Parse(json).RootElement.GetProperty("by_day").GetArrayLength());

        var etag = plain.Headers.ETag!.Tag;
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dashboard?days=90");
        again.Headers.IfNoneMatch.ParseAdd(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(again)).StatusCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("400")]
    public async Task A_period_outside_one_day_to_a_year_is_refused(string days)
    {
        var response = await Client.GetAsync($"/api/v1/dashboard?days={days}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/simulator")]
    public async Task Pages_are_served_compressed_revalidated_and_with_a_content_security_policy(string path)
    {
        using var client = Factory.CreateDefaultClient();
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip, br");
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("br", response.Content.Headers.ContentEncoding.Single());
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());

        var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Scripts_and_styles_are_cached_for_a_year_under_the_version_the_page_names()
    {
        using var client = Factory.CreateDefaultClient();
        var html = await client.GetStringAsync("/dashboard");
        var script = System.Text.RegularExpressions.Regex.Match(html, "/web/dashboard\\.js\\?v=[0-9a-f]+").Value;
        Assert.NotEmpty(script);
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");
        var response = await client.GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", response.Content.Headers.ContentEncoding.Single());
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl!.MaxAge);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/web/nothing.js")).StatusCode);
    }
}
