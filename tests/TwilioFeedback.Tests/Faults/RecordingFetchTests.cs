using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace TwilioFeedback.Tests.Faults;

/// <summary>The recording fetcher trusts no URL or sid a callback names: credentials go only to our account's media paths.</summary>
public sealed class RecordingFetchTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory), IDisposable
{
    private readonly WireMockServer _elsewhere = WireMockServer.Start();

    private static string AccountPath => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}";

    private static string NewSid(string prefix) => prefix + Guid.NewGuid().ToString("N");

    public void Dispose() => _elsewhere.Stop();

    /// <summary>Inserts a pending recording row, runs the fetcher once, returns the row afterwards.</summary>
    private async Task<VoiceRecording> FetchAsync(string url, string source = "whatsapp", string? sid = null)
    {
        long id;
        await using (var db = Factory.Db())
        {
            var row = new VoiceRecording
            {
                ProviderSid = sid ?? NewSid("ME"), SourceUrl = url, Status = RecordingStatus.Pending, ContentType = "audio/ogg",
                Source = source, CreatedAt = Factory.Clock.GetUtcNow(),
            };
            db.VoiceRecordings.Add(row);
            await db.SaveChangesAsync();
            id = row.Id;
        }
        using (var scope = Factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RecordingFetcher>().Invoke();
        }
        await using var after = Factory.Db();
        return await after.VoiceRecordings.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private void StubAudio(string path, string contentType = "audio/ogg", byte[]? body = null) =>
        Factory.TwilioApi.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", contentType).WithBody(body ?? "OggS-audio"u8.ToArray()));

    private static string MediaPath() => $"{AccountPath}/Messages/{NewSid("MM")}/Media/{NewSid("ME")}";

    [Fact]
    public async Task Media_of_our_account_is_fetched_with_credentials_and_stored()
    {
        var path = MediaPath();
        StubAudio(path);
        var row = await FetchAsync(Factory.ApiBaseUrl + path);
        Assert.Equal((RecordingStatus.Stored, null), (row.Status, row.LastError));
        Assert.StartsWith("Basic ", Assert.Single(Factory.TwilioApi.LogEntries).RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed_and_the_row_fails()
    {
        var path = MediaPath();
        _elsewhere.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/ogg").WithBody("secret"));
        Factory.TwilioApi.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _elsewhere.Urls[0] + "/internal"));

        var row = await FetchAsync(Factory.ApiBaseUrl + path);

        Assert.Equal(RecordingStatus.Failed, row.Status);
        Assert.Contains("redirects", row.LastError);
        Assert.Null(row.Data);
        Assert.Empty(_elsewhere.LogEntries);
    }

    public static TheoryData<string, string> ForeignUrls => new()
    {
        { "a message resource, not its media", $"{AccountPath}/Messages/{NewSid("SM")}.json" },
        { "another account's recording", $"/2010-04-01/Accounts/{NewSid("AC")}/Recordings/{NewSid("RE")}" },
        { "a path climbing out of the media", $"{AccountPath}/Messages/{NewSid("MM")}/Media/../../{NewSid("SM")}.json" },
        { "an account listing", $"{AccountPath}.json" },
    };

    [Theory]
    [MemberData(nameof(ForeignUrls))]
    public async Task A_url_that_is_not_our_recording_or_media_gets_no_credentials_and_fails(string label, string path)
    {
        Factory.TwilioApi.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/ogg").WithBody("x"));
        var row = await FetchAsync(Factory.ApiBaseUrl + path);
        Assert.True(row.Status == RecordingStatus.Failed, label);
        Assert.Empty(Factory.TwilioApi.LogEntries);
    }

    [Fact]
    public async Task Credentials_never_go_over_another_scheme_than_the_API_s()
    {
        var path = MediaPath();
        var https = Factory.ApiBaseUrl.Replace("http://", "https://", StringComparison.Ordinal);
        var row = await FetchAsync(https + path);
        Assert.Equal(RecordingStatus.Failed, row.Status);
        Assert.Empty(Factory.TwilioApi.LogEntries);
    }

    [Theory]
    [InlineData("https://api.twilio.com", "http://api.twilio.com", false)]
    [InlineData("http://api.twilio.example", "http://api.twilio.example", false)]
    [InlineData("https://api.twilio.com", "https://api.twilio.com", true)]
    [InlineData("http://127.0.0.1:5050", "http://127.0.0.1:5050", true)]
    [InlineData("https://api.twilio.com", "https://api.twilio.com:8443", false)]
    public void Credentials_go_by_https_only_except_to_a_loopback_stub(string apiBase, string urlBase, bool credentialed)
    {
        var url = $"{urlBase}{AccountPath}/Recordings/{NewSid("RE")}.wav";
        Assert.Equal(credentialed, TwilioMediaUrls.Credentialed(apiBase, TwilioRequests.AccountSid, url) is not null);
    }

    [Fact]
    public async Task A_recording_sid_that_names_another_resource_is_never_deleted()
    {
        var sid = NewSid("RE");
        var path = $"{AccountPath}/Recordings/{sid}";
        StubAudio(path + ".wav", "audio/x-wav");
        Factory.TwilioApi.Given(Request.Create().UsingDelete()).RespondWith(Response.Create().WithStatusCode(204));

        var row = await FetchAsync(Factory.ApiBaseUrl + path, source: "call", sid: $"../Messages/{NewSid("SM")}");

        Assert.Equal(RecordingStatus.Stored, row.Status);
        Assert.DoesNotContain(Factory.TwilioApi.LogEntries, e => e.RequestMessage.Method == "DELETE");
    }

    [Fact]
    public async Task A_body_that_is_not_audio_fails_the_row()
    {
        var path = MediaPath();
        StubAudio(path, "text/html", "<html>login</html>"u8.ToArray());
        var row = await FetchAsync(Factory.ApiBaseUrl + path);
        Assert.Equal(RecordingStatus.Failed, row.Status);
        Assert.Contains("not audio", row.LastError);
        Assert.Null(row.Data);
    }

    [Fact]
    public async Task A_body_larger_than_MaxBytes_fails_the_row_whatever_its_Content_Length_says()
    {
        var path = MediaPath();
        var options = Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RecordingOptions>>().Value;
        StubAudio(path, body: new byte[options.MaxBytes + 1]);
        var row = await FetchAsync(Factory.ApiBaseUrl + path);
        Assert.Equal(RecordingStatus.Failed, row.Status);
        Assert.Contains("larger than", row.LastError);
    }
}
