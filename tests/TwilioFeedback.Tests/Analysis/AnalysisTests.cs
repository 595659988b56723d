using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;

namespace TwilioFeedback.Tests.Analysis;

public sealed class AnalyzerTests
{
    private static readonly LexiconFeedbackAnalyzer Analyzer = new(Microsoft.Extensions.Options.Options.Create(new AnalysisOptions()));

    [Theory]
    [InlineData(5, "The nurses were very kind, thank you", "en", "positive", "staff_attitude", false)]
    [InlineData(2, "We waited five hours and the toilets were dirty", "en", "negative", "waiting_time,cleanliness", false)]
    [InlineData(1, "Attente trop longue, le personnel était impoli", "fr", "negative", "waiting_time,staff_attitude", false)]
    [InlineData(4, "Bon accueil mais les médicaments sont trop chers", "fr", "negative", "staff_attitude,cost,medication", false)]
    [InlineData(3, "", "en", "neutral", "", false)]
    [InlineData(3, "The guard asked for a bribe before the emergency room", "en", "negative", "staff_attitude,cost", true)]
    [InlineData(2, "Mon père est décédé faute de soins", "fr", "negative", "consultation", true)]
    [InlineData(4, "😊😊", "en", "positive", "", false)]
    [InlineData(3, "Le personnel n'est pas accueillant", "fr", "negative", "staff_attitude", false)]
    [InlineData(3, "Pas d'attente, reçu tout de suite", "fr", "positive", "waiting_time", false)]
    [InlineData(3, "ils respectent pas les malades", "fr", "negative", "staff_attitude", false)]
    [InlineData(3, "On m'a renvoyé sans explication", "fr", "negative", "communication", false)]
    [InlineData(3, "Manque de respect total", "fr", "negative", "staff_attitude", false)]
    [InlineData(3, "Je n'ai jamais vu un hôpital aussi sale", "fr", "negative", "cleanliness", false)]
    [InlineData(3, "Jamais été aussi bien reçu", "fr", "positive", "", false)]
    [InlineData(3, "The nurses were not friendly", "en", "negative", "staff_attitude", false)]
    [InlineData(3, "No problem, never a long wait", "en", "positive", "waiting_time", false)]
    [InlineData(3, "L'attente était longue mais le médecin était très compétent", "fr", "positive", "waiting_time,consultation", false)]
    [InlineData(3, "Les infirmières sont gentilles mais l'attente est trop longue", "fr", "negative", "waiting_time,staff_attitude", false)]
    [InlineData(3, "Kind nurses but the toilets are dirty", "en", "negative", "staff_attitude,cleanliness", false)]
    [InlineData(3, "c tro sale", "fr", "negative", "cleanliness", false)]
    [InlineData(3, "very very kind 🙏", "en", "positive", "staff_attitude", false)]
    [InlineData(3, "la pharmacie na pas les medicaments, trop cher", "fr", "negative", "cost,medication", false)]
    [InlineData(3, "Ni bien ni mal", "fr", "neutral", "", false)]
    public async Task Sentiment_topics_and_alarms_are_found_in_English_and_French(int rating, string comment, string language, string sentiment, string topics, bool alarming)
    {
        var analysis = await Analyzer.AnalyzeAsync(rating, comment, language, CancellationToken.None);
        Assert.Equal(sentiment, analysis.Sentiment);
        Assert.Equal(topics, string.Join(",", analysis.Topics));
        Assert.Equal(alarming, analysis.Alarming);
    }

    [Theory]
    [InlineData(5, "attente interminable", true, "negative")]
    [InlineData(4, "Attente interminable, personnel impoli", true, "negative")]
    [InlineData(1, "Merci beaucoup, tout était parfait", true, "positive")]
    [InlineData(4, "Bon accueil", false, "positive")]
    [InlineData(2, "Long wait", false, "negative")]
    [InlineData(4, "", false, "positive")]
    public void A_rating_that_disagrees_with_its_comment_is_flagged_and_the_words_decide(int rating, string comment, bool disagrees, string sentiment)
    {
        var analysis = Analyzer.Analyze(rating, comment);
        Assert.Equal((disagrees, sentiment), (analysis.RatingDisagrees, analysis.Sentiment));
        Assert.InRange(analysis.Confidence, 0.05, 0.95);
    }

    [Fact]
    public void Clear_words_are_read_with_more_confidence_than_none()
    {
        Assert.True(Analyzer.Analyze(3, "Très très sale, personnel impoli, attente interminable").Confidence > Analyzer.Analyze(3, "").Confidence);
        Assert.True(Analyzer.Analyze(5, "attente interminable").Confidence < Analyzer.Analyze(2, "attente interminable").Confidence);
    }

    [Fact]
    public void A_hospital_adds_its_departments_as_topics_by_configuration()
    {
        var analyzer = new LexiconFeedbackAnalyzer(Microsoft.Extensions.Options.Options.Create(new AnalysisOptions
        {
            Topics = new() { ["maternity"] = ["maternite", "accouch*", "sage-femme"], ["cost"] = ["cfa"] },
        }));
        Assert.Equal(["maternity"], analyzer.Analyze(3, "Accouchement sans souci à la maternité").Topics);
        Assert.Equal(["cost"], analyzer.Analyze(3, "10 000 cfa").Topics);
    }

    [Theory]
    [InlineData("Maternity", "maternite")]
    [InlineData("maternity", "")]
    [InlineData("maternity", "*")]
    public void A_wrong_topic_setting_is_refused_naming_it(string topic, string word)
    {
        var result = new AnalysisOptionsValidator().Validate(null, new AnalysisOptions { Topics = new() { [topic] = [word] } });
        Assert.True(result.Failed);
        Assert.Contains($"Analysis:Topics:{topic}", result.FailureMessage);
    }

    [Theory]
    [InlineData("The nurses were very kind, thank you", "en")]
    [InlineData("Attente trop longue, le personnel était impoli", "fr")]
    [InlineData("Mon père est décédé faute de soins", "fr")]
    [InlineData("Mbolo, okiri", "ewo")]
    [InlineData("bwam", "dua")]
    [InlineData("ok", null)]
    [InlineData("😊😊", null)]
    [InlineData("", null)]
    public void The_comments_language_is_read_from_its_words_or_left_unknown(string comment, string? expected) =>
        Assert.Equal(expected, LexiconFeedbackAnalyzer.DetectLanguage(comment));
}

/// <summary>The analysis job on real rows, alerting by the SMTP server.</summary>
public sealed class AlertingFactory : SmtpFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Analysis:AlertEmail"] = "quality@dgh.example" };
}

public sealed class AnalysisJobTests(AlertingFactory factory) : IntegrationTest<AlertingFactory>(factory)
{
    private async Task RunJobAsync()
    {
        using var scope = Factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<FeedbackAnalysisJob>().Invoke();
    }

    private async Task<long> AddAsync(int rating, string? content, DateTimeOffset at)
    {
        await using var db = Factory.Db();
        var patient = await db.Patients.FirstOrDefaultAsync() ?? new Patient { ExternalId = "PAT-A", CreatedAt = at, UpdatedAt = at };
        var feedback = new Feedback { Patient = patient, Language = "en", Channel = "sms", Rating = rating, Content = content, DateSubmitted = at };
        db.Feedbacks.Add(feedback);
        await db.SaveChangesAsync();
        return feedback.Id;
    }

    [Fact]
    public async Task New_feedback_is_analysed_and_an_alarming_item_alerts_staff_once()
    {
        var bad = await AddAsync(1, "We waited all day and nobody explained anything", AppFactory.Start);
        var good = await AddAsync(5, "Very clean and fast", AppFactory.Start);
        var waiting = await AddAsync(2, null, AppFactory.Start); // a rating whose comment may still come

        await RunJobAsync();
        await RunJobAsync();

        await using (var db = Factory.Db())
        {
            var rows = await db.Feedbacks.AsNoTracking().OrderBy(f => f.Id).ToListAsync();
            Assert.Equal(("negative", true), (rows[0].Sentiment, rows[0].Processed));
            Assert.Equal(["waiting_time", "communication"], rows[0].Topics);
            Assert.Equal(("positive", true), (rows[1].Sentiment, rows[1].Processed));
            Assert.False(rows[2].Processed); // waits for its comment
        }
        var (_, to, data) = Assert.Single(Factory.Smtp.Messages);
        Assert.Equal("quality@dgh.example", to);
        Assert.Contains($"/api/v1/feedback/{bad}", data);
        Assert.DoesNotContain("nobody explained", data); // the comment itself stays in the database

        Factory.Clock.Advance(TimeSpan.FromMinutes(11));
        await RunJobAsync();
        Assert.Equal(2, Factory.Smtp.Messages.Count); // the rating of 2, now settled, alerts too
        _ = good + waiting;
    }

    [Fact]
    public async Task One_comment_that_will_not_decrypt_is_set_aside_and_the_rows_beside_it_are_analysed()
    {
        var before = await AddAsync(5, "Very clean and fast", AppFactory.Start);
        var broken = await AddAsync(4, "placeholder", AppFactory.Start);
        var after = await AddAsync(1, "Rude staff and a long wait", AppFactory.Start);
        await using (var db = Factory.Db())
        {
            // Encrypted under a key this server does not hold.
            await db.Database.ExecuteSqlAsync($"UPDATE feedbacks SET content = 'enc1:gone:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE id = {broken}");
        }

        await RunJobAsync();

        await using (var db = Factory.Db())
        {
            var rows = await db.Feedbacks.AsNoTracking().Where(f => f.Id != broken).OrderBy(f => f.Id).Select(f => new { f.Id, f.Processed, f.Sentiment }).ToListAsync();
            Assert.Equal([(before, true, "positive"), (after, true, "negative")], rows.Select(r => (r.Id, r.Processed, r.Sentiment)));
            var unprocessed = await db.Database.SqlQuery<bool>($"SELECT processed AS \"Value\" FROM feedbacks WHERE id = {broken}").SingleAsync();
            Assert.False(unprocessed);
        }
        Assert.Single(Factory.Smtp.Messages); // the rating of 1 beyond the broken row still alerted
    }

    [Fact]
    public async Task One_run_drains_more_than_a_batch()
    {
        var first = await AddAsync(4, "Bon accueil", AppFactory.Start);
        await using (var db = Factory.Db())
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO feedbacks (patient_id, language, channel, rating, content, date_submitted, processed, topics)
                SELECT patient_id, 'fr', 'sms', 4, 'Attente trop longue', date_submitted, false, ARRAY[]::text[] FROM feedbacks, generate_series(1, 1200) WHERE id = {first}
                """);
        }

        await RunJobAsync();

        await using (var db = Factory.Db())
        {
            Assert.Equal(0, await db.Feedbacks.CountAsync(f => !f.Processed));
            Assert.Equal(1200, await db.Feedbacks.CountAsync(f => f.Sentiment == "negative" && f.Topics.Contains("waiting_time")));
        }
    }

    [Fact]
    public async Task Staff_see_sentiment_topics_and_the_language_a_comment_is_really_in()
    {
        // Chose English on the menu, wrote in French.
        var id = await AddAsync(2, "Attente trop longue et le personnel était impoli", AppFactory.Start);
        await RunJobAsync();

        var item = JsonDocument.Parse(await Client.GetStringAsync($"/api/v1/feedback/{id}")).RootElement;
        Assert.Equal("english", item.GetProperty("language").GetString());
        Assert.Equal("fr", item.GetProperty("comment_language").GetString());
        Assert.Equal("negative", item.GetProperty("sentiment").GetString());
        Assert.Equal(["waiting_time", "staff_attitude"], item.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.True(item.GetProperty("processed").GetBoolean());
    }

    [Fact]
    public async Task Staff_see_how_sure_the_analysis_is_and_a_rating_that_disagrees_with_its_comment()
    {
        var disagreeing = await AddAsync(4, "Attente interminable, personnel impoli", AppFactory.Start);
        var agreeing = await AddAsync(5, "Bon accueil, merci", AppFactory.Start);
        await RunJobAsync();

        var first = JsonDocument.Parse(await Client.GetStringAsync($"/api/v1/feedback/{disagreeing}")).RootElement;
        Assert.True(first.GetProperty("rating_disagrees").GetBoolean());
        Assert.InRange(first.GetProperty("confidence").GetDouble(), 0.05, 0.95);
        var second = JsonDocument.Parse(await Client.GetStringAsync($"/api/v1/feedback/{agreeing}")).RootElement;
        Assert.False(second.GetProperty("rating_disagrees").GetBoolean());
        await using var db = Factory.Db();
        Assert.Equal([true, false], await db.Feedbacks.AsNoTracking().OrderBy(f => f.Id).Select(f => f.RatingDisagrees == true).ToListAsync());
    }

    [Fact]
    public async Task Stats_by_topic_count_each_topic()
    {
        await AddAsync(1, "Long wait and rude staff", AppFactory.Start);
        await AddAsync(4, "Nurses were kind", AppFactory.Start);
        await RunJobAsync();

        var groups = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/feedback/stats?group_by=topic")).RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => (g.GetProperty("key").GetString(), g.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([("staff_attitude", 2), ("waiting_time", 1)], groups);
    }
}
