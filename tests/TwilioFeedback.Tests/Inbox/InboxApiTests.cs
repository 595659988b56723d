using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Inbox;

/// <summary>Rows as the channels and the jobs leave them, for the inbox tests.</summary>
public static class InboxRows
{
    public const string Phone = "+237677001122";

    public static async Task<long> AddAsync(AppFactory factory, int rating, string language, string? content = null, bool voice = false, string channel = "sms",
        Action<Feedback>? set = null, bool optedOut = false)
    {
        await using var db = factory.Db();
        var cipher = factory.Services.GetRequiredService<DataCipher>();
        var now = factory.Clock.GetUtcNow();
        var patient = await db.Patients.FirstOrDefaultAsync() ?? new Patient
        {
            ExternalId = "PAT-IN", Phone = Phone, PhoneHash = factory.Services.GetRequiredService<PhoneHasher>().Hash(Phone),
            PreferredLanguage = language, CreatedAt = now, UpdatedAt = now,
        };
        if (optedOut)
        {
            patient.OptedOutAt = now;
        }
        var audio = "RIFF....WAVEfmt spoken"u8.ToArray();
        var feedback = new Feedback
        {
            Patient = patient, Language = language, Channel = channel, Rating = rating, Content = content, DateSubmitted = now, Processed = true,
            VoiceRecording = voice ? new VoiceRecording
            {
                Status = RecordingStatus.Stored, ContentType = "audio/wav", Data = cipher.Encrypt(audio), KeyId = cipher.ActiveKeyId,
                SizeBytes = audio.Length, Source = "call", CreatedAt = now, StoredAt = now,
            } : null,
        };
        set?.Invoke(feedback);
        db.Feedbacks.Add(feedback);
        await db.SaveChangesAsync();
        factory.Clock.Advance(TimeSpan.FromMinutes(1)); // the next row comes later
        return feedback.Id;
    }

    public static void TwilioAccepts(TwilioApiFactory factory) =>
        factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}"));

    public static string MessagesPath => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    public static IEnumerable<(string To, string Body)> SentMessages(TwilioApiFactory factory) =>
        factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath)
            .Select(e => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(e.RequestMessage.Body))
            .Select(f => (f["To"].ToString(), f["Body"].ToString()));
}

public sealed class InboxApiTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private HttpClient Staff { get; } = factory.ClientWith(AppFactory.Token("staff", "Nurse Ekwalla"));

    private async Task<JsonElement> InboxAsync(string query = "")
    {
        var response = await Staff.GetAsync("/api/v1/inbox" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static List<(long Id, string Queue)> Items(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("id").GetInt64(), i.GetProperty("queue").GetString()!)).ToList();

    [Fact]
    public async Task The_inbox_lists_what_a_person_should_read_most_urgent_first_with_counts_per_queue()
    {
        var review = await InboxRows.AddAsync(Factory, 4, "fr", "Attente interminable", set: f => (f.Sentiment, f.RatingDisagrees, f.AnalysisConfidence, f.CommentLanguage) = ("negative", true, 0.6, "fr"));
        var duala = await InboxRows.AddAsync(Factory, 4, "dua", "Na som", set: f => f.Sentiment = "neutral");
        var voice = await InboxRows.AddAsync(Factory, 3, "en", voice: true, channel: "voice");
        var escalation = await InboxRows.AddAsync(Factory, 1, "en", "Rude staff", set: f => (f.Sentiment, f.CommentLanguage, f.AnalysisConfidence) = ("negative", "en", 0.9));
        await InboxRows.AddAsync(Factory, 5, "en", "Very kind nurses", set: f => (f.Sentiment, f.CommentLanguage, f.AnalysisConfidence) = ("positive", "en", 0.9)); // nothing for a person
        await InboxRows.AddAsync(Factory, 2, "en", "Long wait", set: f => f.HandledAt = AppFactory.Start); // handled already

        var page = await InboxAsync();

        Assert.Equal([(escalation, "escalation"), (voice, "voice"), (duala, "language"), (review, "review")], Items(page));
        var counts = page.GetProperty("counts");
        Assert.Equal((1, 1, 1, 1, 4), (counts.GetProperty("escalation").GetInt32(), counts.GetProperty("voice").GetInt32(),
            counts.GetProperty("language").GetInt32(), counts.GetProperty("review").GetInt32(), counts.GetProperty("total").GetInt32()));
        Assert.Equal([(voice, "voice")], Items(await InboxAsync("?queue=voice")));
        Assert.Equal([(duala, "language")], Items(await InboxAsync("?language=dua")));
        Assert.Equal([(voice, "voice")], Items(await InboxAsync("?channel=voice")));
        Assert.Empty(Items(await InboxAsync("?from=2026-12-01")));
        await using var db = Factory.Db();
        Assert.Contains(await db.AuditEntries.ToListAsync(), a => (a.Actor, a.Action, a.Target) == ("Nurse Ekwalla", "read", "inbox"));
    }

    [Theory]
    [InlineData("?queue=urgent", "queue")]
    [InlineData("?language=de", "language")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?from=2026-12-02&to=2026-12-01", "from")]
    [InlineData("?department=cardiology", "department")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    [InlineData("?cursor=AAAAAAAAAAAAAAAAAAAAAAAA", "cursor")]
    [InlineData("?limit=101", "limit")]
    public async Task A_bad_filter_is_a_problem_naming_it(string query, string field)
    {
        var response = await Staff.GetAsync("/api/v1/inbox" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Staff_transcribe_and_review_and_the_corrections_are_kept_as_labelled_data_and_audited()
    {
        var id = await InboxRows.AddAsync(Factory, 2, "dua", voice: true, channel: "voice", set: f => (f.Sentiment, f.TranscriptStatus) = ("neutral", "not_sent"));

        var saved = await Staff.PutAsJsonAsync($"/api/v1/inbox/{id}/transcript", new { transcript = "Ba bolane mba bwam", translation = "Ils m'ont bien soigné" });
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        var reviewed = await Staff.PutAsJsonAsync($"/api/v1/inbox/{id}/analysis", new { sentiment = "positive", topics = new[] { "staff_attitude" } });
        Assert.Equal(HttpStatusCode.NoContent, reviewed.StatusCode);
        var wrong = await Staff.PutAsJsonAsync($"/api/v1/inbox/{id}/analysis", new { sentiment = "happy", topics = new[] { "parking" } });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Staff.PutAsJsonAsync($"/api/v1/inbox/{id}/transcript", new { transcript = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Staff.PostAsync("/api/v1/inbox/999999/handled", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Staff.PostAsync($"/api/v1/inbox/{id}/handled", null)).StatusCode);

        await using (var db = Factory.Db())
        {
            var row = await db.Feedbacks.AsNoTracking().SingleAsync(f => f.Id == id);
            Assert.Equal(("Ba bolane mba bwam", "Ils m'ont bien soigné", "staff:Nurse Ekwalla"), (row.Transcript, row.Translation, row.TranscriptBy));
            Assert.Equal(("positive", "staff_attitude"), (row.Sentiment, string.Join(',', row.Topics)));
            Assert.NotNull(row.TranscriptConfirmedAt);
            Assert.Equal("Nurse Ekwalla", row.HandledBy);
            var raw = await db.Database.SqlQuery<string>($"SELECT translation AS \"Value\" FROM feedbacks WHERE id = {id}").SingleAsync();
            Assert.StartsWith("enc1:", raw);
            var audit = await db.AuditEntries.Where(a => a.Action == "change").OrderBy(a => a.Id).Select(a => a.Target).ToListAsync();
            Assert.Equal([$"feedback {id} transcript", $"feedback {id} analysis", $"feedback {id} handled"], audit);
        }
        Assert.Empty(Items(await InboxAsync())); // handled: gone from the inbox

        var csv = await Client.GetStringAsync("/api/v1/inbox/corrections.csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("feedback_id,at,actor,field,before,after,language,text", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{id},") && l.Contains(",transcript,,Ba bolane mba bwam,dua,"));
        Assert.Contains(lines, l => l.Contains(",sentiment,neutral,positive,dua,Ils m'ont bien soigné"));
        Assert.Contains(lines, l => l.Contains(",topics,,staff_attitude,dua,"));
        Assert.Equal(HttpStatusCode.Forbidden, (await Staff.GetAsync("/api/v1/inbox/corrections.csv")).StatusCode); // admins only
    }

    [Fact]
    public async Task An_answer_goes_out_in_the_patients_language_through_the_reminders_and_shows_its_delivery_status()
    {
        InboxRows.TwilioAccepts(Factory);
        var id = await InboxRows.AddAsync(Factory, 1, "fr", "Personne ne m'a expliqué le traitement", set: f => f.Sentiment = "negative");

        var response = await Staff.PostAsJsonAsync($"/api/v1/inbox/{id}/reply", new { message = "Le Dr Ngo vous appellera demain." });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Factory.DispatchAsync();

        var (to, body) = Assert.Single(InboxRows.SentMessages(Factory));
        Assert.Equal((InboxRows.Phone, "Hôpital Général de Douala, au sujet de votre avis : Le Dr Ngo vous appellera demain."), (to, body));
        var reply = (await InboxAsync()).GetProperty("items")[0].GetProperty("reply");
        Assert.Equal(("sms", "sent"), (reply.GetProperty("channel").GetString(), reply.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_patient_who_opted_out_is_not_answered_and_a_bad_answer_is_a_problem()
    {
        InboxRows.TwilioAccepts(Factory);
        var id = await InboxRows.AddAsync(Factory, 1, "en", "Rude staff", optedOut: true);

        var refused = await Staff.PostAsJsonAsync($"/api/v1/inbox/{id}/reply", new { message = "Sorry" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("opted out", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await Staff.PostAsJsonAsync($"/api/v1/inbox/{id}/reply", new { message = new string('a', 241) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Staff.PostAsJsonAsync($"/api/v1/inbox/{id}/reply", new { message = "Hi", channel = "fax" })).StatusCode);
        await Factory.DispatchAsync();
        Assert.Empty(InboxRows.SentMessages(Factory));
    }

    [Fact]
    public async Task An_answer_in_quiet_hours_waits_for_the_morning()
    {
        InboxRows.TwilioAccepts(Factory);
        Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 21, 30, 0, TimeSpan.Zero)); // 22:30 in Douala
        var id = await InboxRows.AddAsync(Factory, 2, "en", "Long wait");

        Assert.Equal(HttpStatusCode.Accepted, (await Staff.PostAsJsonAsync($"/api/v1/inbox/{id}/reply", new { message = "We are sorry." })).StatusCode);
        await Factory.DispatchAsync();
        Assert.Empty(InboxRows.SentMessages(Factory));

        Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        await Factory.DispatchAsync();
        Assert.Single(InboxRows.SentMessages(Factory));
    }
}
