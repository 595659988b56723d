using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Api;

public sealed class FeedbackApiTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Theory]
    [InlineData("/api/feedback")]
    [InlineData("/api/v1/feedback")]
    public async Task The_seed_body_creates_feedback_and_answers_the_seed_shape(string path)
    {
        var response = await Client.PostAsync(path, Json("""{"patient_id":"PAT123","language":"douala","content":"Bon accueil","rating":5}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadAsync(response);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/feedback/{id}", response.Headers.Location?.ToString());
        Assert.Equal("PAT123", body.GetProperty("patient_id").GetString());
        Assert.Equal("douala", body.GetProperty("language").GetString());
        Assert.Equal("Bon accueil", body.GetProperty("content").GetString());
        Assert.Equal(5, body.GetProperty("rating").GetInt32());
        Assert.Equal(Factory.Clock.GetUtcNow(), body.GetProperty("date_submitted").GetDateTimeOffset());
        Assert.False(body.GetProperty("processed").GetBoolean());

        var read = await ReadAsync(await Client.GetAsync($"/api/v1/feedback/{id}"));
        Assert.Equal(body.ToString(), read.ToString());
        await using var db = Factory.Db();
        var row = await db.Feedbacks.Include(f => f.Patient).SingleAsync();
        Assert.Equal(("dua", "api", "PAT123"), (row.Language, row.Channel, row.Patient.ExternalId));
    }

    [Theory]
    [InlineData("en", "english")]
    [InlineData("fr", "french")]
    [InlineData("bas", "bassa")]
    [InlineData("ewo", "ewondo")]
    [InlineData("Ewondo", "ewondo")]
    public async Task Languages_are_accepted_as_codes_or_names(string given, string answered)
    {
        var response = await Client.PostAsync("/api/v1/feedback", Json($$"""{"patient_id":"PAT1","language":"{{given}}","rating":3}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(answered, (await ReadAsync(response)).GetProperty("language").GetString());
    }

    [Theory]
    [InlineData("""{"patient_id":"PAT1","language":"english","rating":6}""", "rating")]
    [InlineData("""{"patient_id":"PAT1","language":"english","rating":0}""", "rating")]
    [InlineData("""{"patient_id":"PAT1","language":"english"}""", "rating")]
    [InlineData("""{"patient_id":"PAT1","language":"klingon","rating":3}""", "language")]
    [InlineData("""{"language":"english","rating":3}""", "patient_id")]
    [InlineData("""{"patient_id":"PAT 1; DROP TABLE","language":"english","rating":3}""", "patient_id")]
    [InlineData("""{"patient_id":"PAT1","language":"english","rating":3,"voice_data":"not base64!"}""", "voice_data")]
    public async Task Invalid_fields_get_a_validation_problem_naming_the_field(string json, string field)
    {
        var response = await Client.PostAsync("/api/v1/feedback", Json(json));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await ReadAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
        await using var db = Factory.Db();
        Assert.Equal(0, await db.Feedbacks.CountAsync());
    }

    [Theory]
    [InlineData("{\"patient_id\":")]
    [InlineData("not json")]
    [InlineData("{\"patient_id\":\"PAT1\",\"language\":\"en\",\"rating\":\"five\"}")]
    public async Task Malformed_JSON_gets_400_problem_details(string json)
    {
        var response = await Client.PostAsync("/api/v1/feedback", Json(json));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_NUL_character_in_a_comment_is_dropped_not_a_500()
    {
        var response = await Client.PostAsync("/api/v1/feedback", Json("""{"patient_id":"PAT8","language":"en","rating":4,"content":"ok\u0000 then"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("ok then", (await ReadAsync(response)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task Voice_data_is_stored_with_its_type()
    {
        var wav = Convert.ToBase64String([.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8]);
        var response = await Client.PostAsync("/api/v1/feedback", Json($$"""{"patient_id":"PAT9","language":"fr","rating":2,"voice_data":"{{wav}}"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True((await ReadAsync(response)).GetProperty("has_voice").GetBoolean());
        await using var db = Factory.Db();
        var recording = await db.VoiceRecordings.SingleAsync();
        Assert.Equal(("audio/wav", 12), (recording.ContentType, recording.SizeBytes));
    }

    [Fact]
    public async Task Voice_data_above_the_limit_gets_413()
    {
        var big = Convert.ToBase64String(new byte[3 * 1024 * 1024]);
        var response = await Client.PostAsync("/api/v1/feedback", Json($$"""{"patient_id":"PAT9","language":"fr","rating":2,"voice_data":"{{big}}"}"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_feedback_gets_404_problem_details()
    {
        var response = await Client.GetAsync("/api/v1/feedback/999999");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_newest_first_without_gaps_or_repeats()
    {
        for (var rating = 1; rating <= 5; rating++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Client.PostAsync("/api/v1/feedback", Json($$"""{"patient_id":"PAT1","language":"en","rating":{{rating}}}"""))).StatusCode);
        }
        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync(await Client.GetAsync($"/api/v1/feedback?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("rating").GetInt32()));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        Assert.Equal([5, 4, 3, 2, 1], seen);
    }

    [Theory]
    [InlineData("?cursor=garbage!")]
    [InlineData("?limit=0")]
    [InlineData("?limit=1000")]
    public async Task Bad_paging_parameters_get_400(string query) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync("/api/v1/feedback" + query)).StatusCode);
}
