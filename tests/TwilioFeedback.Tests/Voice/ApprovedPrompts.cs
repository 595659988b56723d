using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Voice;

/// <summary>A recording made playable the only way there is: a translator's draft in the studio, approved by someone else.</summary>
public static class ApprovedPrompts
{
    public static readonly string Recorder = AppFactory.Token("translator", "Ngo Recorder");
    public static readonly string Reviewer = AppFactory.Token("admin", "Ebelle Reviewer");

    /// <summary>A browser's server is reached on its socket, the others in memory.</summary>
    private static HttpClient Client(AppFactory factory, string token) =>
        factory is BrowserAppFactory browser ? browser.SocketClient(token) : factory.ClientWith(token);

    /// <summary>Uploads <paramref name="audio"/> as a draft; the answer as it came.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(AppFactory factory, string language, string key, byte[] audio, string? token = null, string contentType = "audio/wav")
    {
        var content = new ByteArrayContent(audio);
        content.Headers.ContentType = new(contentType);
        return await Client(factory, token ?? Recorder).PutAsync($"/api/v1/studio/recordings/{language}/{key}", content);
    }

    /// <summary>The new draft's id; fails with the server's detail when refused.</summary>
    public static async Task<long> DraftAsync(AppFactory factory, string language, string key, byte[] audio, string? token = null)
    {
        var response = await UploadAsync(factory, language, key, audio, token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("draft").GetProperty("id").GetInt64();
    }

    public static Task<HttpResponseMessage> ApproveAsync(AppFactory factory, string language, string key, long draftId, string? token = null) =>
        Client(factory, token ?? Reviewer).PostAsJsonAsync($"/api/v1/studio/recordings/{language}/{key}/approve", new { draft_id = draftId });

    /// <summary>Recorded by one person, approved by another: callers hear it.</summary>
    public static async Task AddAsync(AppFactory factory, string language, string key, byte[] audio)
    {
        var id = await DraftAsync(factory, language, key, audio);
        var approved = await ApproveAsync(factory, language, key, id);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
    }
}
