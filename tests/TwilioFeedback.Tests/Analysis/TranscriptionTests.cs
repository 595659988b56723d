using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Scheduling.Transcription;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace TwilioFeedback.Tests.Analysis;

/// <summary>The server with a speech-to-text service that is a WireMock.Net stub, and alerts by the SMTP server.</summary>
public class TranscriptionFactory : SmtpFactory
{
    public WireMockServer SpeechApi { get; } = WireMockServer.Start();

    protected virtual bool Configured => true;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Analysis:AlertEmail"] = "quality@dgh.example",
        ["Transcription:Endpoint"] = Configured ? SpeechApi.Urls[0] : "",
        ["Transcription:ApiKey"] = "stt-secret-key",
        ["Transcription:Model"] = "whisper-large-v3",
        ["Transcription:MaxAttempts"] = "2",
        ["Transcription:RetryDelay"] = "00:00:00.010",
        ["Transcription:RunOnSchedule"] = "false",
    };

    public override async Task ResetAsync()
    {
        await base.ResetAsync();
        SpeechApi.Reset();
    }

    public override async ValueTask DisposeAsync()
    {
        SpeechApi.Stop();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same stub, but no endpoint configured: speech to text is off.</summary>
public sealed class NoTranscriptionFactory : TranscriptionFactory
{
    protected override bool Configured => false;
}

/// <summary>Shared steps: a stored spoken comment, and the two jobs.</summary>
public static class SpokenComments
{
    public static readonly byte[] Audio = [.. "RIFF"u8, .. new byte[40], .. "spoken comment audio"u8];

    public const string TranscriptionsPath = "/v1/audio/transcriptions";

    public static async Task<long> AddAsync(AppFactory factory, string language, int rating = 3)
    {
        await using var db = factory.Db();
        var cipher = factory.Services.GetRequiredService<DataCipher>();
        var now = AppFactory.Start;
        var patient = await db.Patients.FirstOrDefaultAsync() ?? new Patient { ExternalId = "PAT-V", CreatedAt = now, UpdatedAt = now };
        var feedback = new Feedback
        {
            Patient = patient, Language = language, Channel = "voice", Rating = rating, DateSubmitted = now,
            VoiceRecording = new VoiceRecording
            {
                Status = RecordingStatus.Stored, ContentType = "audio/wav", Data = cipher.Encrypt(Audio), KeyId = cipher.ActiveKeyId,
                SizeBytes = Audio.Length, Source = "call", CreatedAt = now, StoredAt = now,
            },
        };
        db.Feedbacks.Add(feedback);
        await db.SaveChangesAsync();
        return feedback.Id;
    }

    public static async Task TranscribeAsync(AppFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<TranscriptionJob>().Invoke();
    }

    public static async Task AnalyseAsync(AppFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<FeedbackAnalysisJob>().Invoke();
    }

    public static IResponseBuilder Text(string text) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBodyAsJson(new { text });
}

public sealed class TranscriptionJobTests(TranscriptionFactory factory) : IntegrationTest<TranscriptionFactory>(factory)
{
    private IRequestBuilder Transcriptions => Request.Create().WithPath(SpokenComments.TranscriptionsPath).UsingPost();

    private async Task<Feedback> RowAsync(long id)
    {
        await using var db = Factory.Db();
        return await db.Feedbacks.AsNoTracking().SingleAsync(f => f.Id == id);
    }

    [Fact]
    public async Task A_spoken_comment_is_sent_once_with_its_model_and_language_and_its_transcript_is_stored_marked_as_machine_made()
    {
        Factory.SpeechApi.Given(Transcriptions).RespondWith(SpokenComments.Text("The nurses were very kind, thank you"));
        var id = await SpokenComments.AddAsync(Factory, "en");

        await SpokenComments.TranscribeAsync(Factory);
        await SpokenComments.TranscribeAsync(Factory); // once each

        var request = Assert.Single(Factory.SpeechApi.LogEntries).RequestMessage;
        Assert.Equal("Bearer stt-secret-key", request.Headers!["Authorization"].Single());
        Assert.StartsWith("multipart/form-data", request.Headers["Content-Type"].Single());
        var body = System.Text.Encoding.Latin1.GetString(request.BodyAsBytes!);
        Assert.Contains("name=file", body);
        Assert.Contains("spoken comment audio", body);
        Assert.Matches("name=model\\r\\n(.*\\r\\n)*\\r\\nwhisper-large-v3\\r\\n", body);
        Assert.Matches("name=language\\r\\n(.*\\r\\n)*\\r\\nen\\r\\n", body);
        var row = await RowAsync(id);
        Assert.Equal(("The nurses were very kind, thank you", TranscriptStates.Done), (row.Transcript, row.TranscriptStatus));
        Assert.Equal($"machine:whisper-large-v3@{new Uri(Factory.SpeechApi.Urls[0]).Authority}", row.TranscriptBy);

        await SpokenComments.AnalyseAsync(Factory);
        row = await RowAsync(id);
        Assert.Equal(("positive", true), (row.Sentiment, row.Processed));
        Assert.Contains("staff_attitude", row.Topics);
    }

    [Fact]
    public async Task The_transcript_is_encrypted_in_the_database()
    {
        Factory.SpeechApi.Given(Transcriptions).RespondWith(SpokenComments.Text("Attente trop longue aux urgences"));
        var id = await SpokenComments.AddAsync(Factory, "fr");

        await SpokenComments.TranscribeAsync(Factory);

        await using var db = Factory.Db();
        var raw = await db.Database.SqlQuery<string>($"SELECT transcript AS \"Value\" FROM feedbacks WHERE id = {id}").SingleAsync();
        Assert.StartsWith(DataCipher.TextPrefix, raw);
        Assert.DoesNotContain("Attente", raw);
        Assert.Equal("Attente trop longue aux urgences", (await RowAsync(id)).Transcript);
    }

    [Fact]
    public async Task A_429_is_retried_and_the_transcript_then_stored()
    {
        Factory.SpeechApi.Given(Transcriptions).InScenario("busy").WillSetStateTo("refused once")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "0"));
        Factory.SpeechApi.Given(Transcriptions).InScenario("busy").WhenStateIs("refused once").RespondWith(SpokenComments.Text("Bon accueil"));
        var id = await SpokenComments.AddAsync(Factory, "fr");

        await SpokenComments.TranscribeAsync(Factory);

        Assert.Equal(2, Factory.SpeechApi.LogEntries.Count());
        var row = await RowAsync(id);
        Assert.Equal(("Bon accueil", TranscriptStates.Done, (string?)null), (row.Transcript, row.TranscriptStatus, row.TranscriptError));
    }

    [Fact]
    public async Task A_service_that_keeps_failing_is_tried_again_next_run_then_given_up_with_the_reason_and_the_other_items_go_on()
    {
        Factory.SpeechApi.Given(Transcriptions.WithBody((byte[]? body) => body is not null && body.AsSpan().IndexOf("broken audio"u8) >= 0)).RespondWith(Response.Create().WithStatusCode(500));
        Factory.SpeechApi.Given(Transcriptions).AtPriority(10).RespondWith(SpokenComments.Text("Very clean"));
        var failing = await SpokenComments.AddAsync(Factory, "en");
        await using (var db = Factory.Db())
        {
            var cipher = Factory.Services.GetRequiredService<DataCipher>();
            var recording = await db.Feedbacks.Where(f => f.Id == failing).Select(f => f.VoiceRecording!).SingleAsync();
            recording.Data = cipher.Encrypt("RIFF broken audio"u8);
            await db.SaveChangesAsync();
        }
        var fine = await SpokenComments.AddAsync(Factory, "en");

        await SpokenComments.TranscribeAsync(Factory);

        var row = await RowAsync(failing);
        Assert.Equal(TranscriptStates.Retrying, row.TranscriptStatus);
        Assert.Contains("500", row.TranscriptError);
        Assert.Equal(4, Factory.SpeechApi.LogEntries.Count(e => e.ResponseMessage.StatusCode is 500)); // one try and three retries
        Assert.Equal("Very clean", (await RowAsync(fine)).Transcript);

        await SpokenComments.TranscribeAsync(Factory); // not due yet: nothing sent
        Assert.Equal(4, Factory.SpeechApi.LogEntries.Count(e => e.ResponseMessage.StatusCode is 500));
        Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await SpokenComments.TranscribeAsync(Factory);

        row = await RowAsync(failing);
        Assert.Equal((TranscriptStates.Failed, (string?)null), (row.TranscriptStatus, row.Transcript));
        Assert.Equal("Given up after 2 attempt(s): The transcription service answered 500 Internal Server Error.", row.TranscriptError);
        Factory.Clock.Advance(TimeSpan.FromHours(2));
        await SpokenComments.TranscribeAsync(Factory);
        Assert.Equal(8, Factory.SpeechApi.LogEntries.Count(e => e.ResponseMessage.StatusCode is 500));
    }

    [Fact]
    public async Task A_spoken_comment_in_Duala_is_not_sent_and_waits_for_a_person()
    {
        var id = await SpokenComments.AddAsync(Factory, "dua");

        await SpokenComments.TranscribeAsync(Factory);

        Assert.Empty(Factory.SpeechApi.LogEntries);
        var row = await RowAsync(id);
        Assert.Equal(TranscriptStates.NotSent, row.TranscriptStatus);
        Assert.Contains("Transcription:Languages", row.TranscriptError);
    }

    [Fact]
    public async Task A_spoken_comment_whose_transcript_says_a_patient_died_escalates()
    {
        Factory.SpeechApi.Given(Transcriptions).RespondWith(SpokenComments.Text("Mon père est décédé aux urgences, personne ne l'a soigné"));
        var id = await SpokenComments.AddAsync(Factory, "fr", rating: 4);
        await SpokenComments.AnalyseAsync(Factory); // the rating alone: nothing alarming yet
        Assert.Empty(Factory.Smtp.Messages);

        await SpokenComments.TranscribeAsync(Factory);
        await SpokenComments.AnalyseAsync(Factory);

        var (_, to, data) = Assert.Single(Factory.Smtp.Messages);
        Assert.Equal("quality@dgh.example", to);
        Assert.Contains($"/api/v1/feedback/{id}", data);
        Assert.Contains("alarming words", data);
        Assert.DoesNotContain("décédé", data);
        var row = await RowAsync(id);
        Assert.NotNull(row.EscalatedAt);
        Assert.True(row.Alarming);
    }
}

public sealed class TranscriptionOffTests(NoTranscriptionFactory factory) : IntegrationTest<NoTranscriptionFactory>(factory)
{
    [Fact]
    public async Task Without_an_endpoint_no_audio_is_sent_and_start_up_says_so()
    {
        Factory.SpeechApi.Given(Request.Create().UsingAnyMethod()).RespondWith(SpokenComments.Text("should never be asked"));
        var id = await SpokenComments.AddAsync(Factory, "en");

        await SpokenComments.TranscribeAsync(Factory);

        Assert.Empty(Factory.SpeechApi.LogEntries);
        await using var db = Factory.Db();
        var row = await db.Feedbacks.AsNoTracking().SingleAsync(f => f.Id == id);
        Assert.Equal(((string?)null, (string?)null), (row.TranscriptStatus, row.Transcript));
        Assert.Contains(Factory.Logs.Lines, l => l.Contains("Speech to text OFF"));
    }
}

public sealed class TranscriptionOptionsTests
{
    [Theory]
    [InlineData("ftp://whisper.internal", "en", "Transcription:Endpoint")]
    [InlineData("whisper.internal:8080", "en", "Transcription:Endpoint")]
    [InlineData("http://whisper.internal:8080", "de", "Transcription:Languages")]
    public void A_wrong_setting_is_refused_naming_it(string endpoint, string language, string setting)
    {
        var result = new TranscriptionOptionsValidator().Validate(null, new TranscriptionOptions { Endpoint = endpoint, Languages = [language] });
        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage);
    }

    [Fact]
    public void No_endpoint_is_off_and_valid() =>
        Assert.False(new TranscriptionOptionsValidator().Validate(null, new TranscriptionOptions()).Failed);
}
