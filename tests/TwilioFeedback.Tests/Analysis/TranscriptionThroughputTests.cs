using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using Xunit.Abstractions;

namespace TwilioFeedback.Tests.Analysis;

/// <summary>
/// The transcription job over a burst of spoken comments against the WireMock stub: every one transcribed once, and the
/// figure BENCHMARKS.md quotes printed (items a second; a figure, not a goal: nothing here asserts a time).
/// </summary>
public sealed class TranscriptionThroughputTests(TranscriptionFactory factory, ITestOutputHelper output) : IntegrationTest<TranscriptionFactory>(factory)
{
    private const int Items = 250;

    [Fact]
    public async Task A_burst_of_spoken_comments_is_transcribed_each_once_a_run_taking_at_most_its_share()
    {
        Factory.SpeechApi.Given(Request.Create().WithPath(SpokenComments.TranscriptionsPath).UsingPost()).RespondWith(SpokenComments.Text("Attente trop longue"));
        await using (var db = Factory.Db())
        {
            var cipher = Factory.Services.GetRequiredService<DataCipher>();
            var patient = new Patient { ExternalId = "PAT-BURST", CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start };
            for (var i = 0; i < Items; i++)
            {
                db.Feedbacks.Add(new Feedback
                {
                    Patient = patient, Language = i % 2 == 0 ? "fr" : "en", Channel = "voice", Rating = 3, DateSubmitted = AppFactory.Start,
                    VoiceRecording = new VoiceRecording
                    {
                        Status = RecordingStatus.Stored, ContentType = "audio/wav", Data = cipher.Encrypt(SpokenComments.Audio), KeyId = cipher.ActiveKeyId,
                        SizeBytes = SpokenComments.Audio.Length, Source = "call", CreatedAt = AppFactory.Start, StoredAt = AppFactory.Start,
                    },
                });
            }
            await db.SaveChangesAsync();
        }

        var runs = new List<(int Done, TimeSpan Took)>();
        for (var run = 0; run < 5 && await RemainingAsync() > 0; run++)
        {
            var before = await RemainingAsync();
            var watch = Stopwatch.StartNew();
            await SpokenComments.TranscribeAsync(Factory);
            watch.Stop();
            runs.Add((before - await RemainingAsync(), watch.Elapsed));
        }

        Assert.Equal(0, await RemainingAsync());
        Assert.Equal(Items, Factory.SpeechApi.LogEntries.Count()); // each sent once
        Assert.Equal([100, 100, 50], runs.Select(r => r.Done)); // Transcription:MaxItemsPerRun a run
        await using (var db = Factory.Db())
        {
            var rows = await db.Feedbacks.AsNoTracking().Select(f => new { f.Transcript, f.TranscriptStatus }).ToListAsync(); // decrypted here, not in SQL
            Assert.All(rows, r => Assert.Equal(("Attente trop longue", TranscriptStates.Done), (r.Transcript, r.TranscriptStatus)));
            Assert.Equal(Items, rows.Count);
        }
        var done = runs.Sum(r => r.Done);
        var took = runs.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Took);
        output.WriteLine($"transcription job: {done} items in {runs.Count} runs, {took.TotalSeconds:F2} s, {done / took.TotalSeconds:F0} items/s " +
            $"({took.TotalMilliseconds / done:F1} ms an item: claim, decrypt, multipart POST to the stub, encrypted store); " +
            $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    }

    private async Task<int> RemainingAsync()
    {
        await using var db = Factory.Db();
        return await db.Feedbacks.CountAsync(f => f.TranscriptStatus != TranscriptStates.Done);
    }
}
