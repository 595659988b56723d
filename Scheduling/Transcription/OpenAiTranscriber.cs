using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Transcription;

/// <summary>
/// The OpenAI-compatible transcription API (whisper.cpp's server, faster-whisper servers, hosted
/// services): <c>POST {Endpoint}/v1/audio/transcriptions</c>, multipart <c>file</c>, <c>model</c>,
/// <c>language</c>; answers <c>{"text": "…"}</c>. Retries on 429 and 5xx come from the client's
/// resilience handler (<see cref="TranscriptionServices"/>).
/// </summary>
public sealed class OpenAiTranscriber(HttpClient http, IOptions<TranscriptionOptions> options) : ITranscriber
{
    public string Name => options.Value.ServiceName;

    public async Task<TranscriptionResult> TranscribeAsync(byte[] audio, string contentType, string language, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(audio);
        file.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "comment" + Extension(contentType));
        form.Add(new StringContent(settings.Model), "model");
        form.Add(new StringContent(language), "language");
        form.Add(new StringContent("json"), "response_format");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(settings.Endpoint!.TrimEnd('/') + "/"), "v1/audio/transcriptions")) { Content = form };
        if (!string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        }
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // 429 and 5xx were retried already; another run tries again. Other refusals will not change.
                var transient = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500;
                return new(null, $"The transcription service answered {(int)response.StatusCode} {response.ReasonPhrase}.", !transient);
            }
            var body = await response.Content.ReadFromJsonAsync<TranscriptionBody>(cancellationToken);
            return body?.Text is { } text
                ? new(text.Trim())
                : new(null, "The transcription service answered without a text.", Permanent: true);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            or Polly.CircuitBreaker.BrokenCircuitException && !cancellationToken.IsCancellationRequested)
        {
            return new(null, $"The transcription service could not be reached ({e.GetType().Name}).");
        }
        catch (System.Text.Json.JsonException)
        {
            return new(null, "The transcription service answered something other than JSON.", Permanent: true);
        }
    }

    private static string Extension(string contentType) => contentType switch
    {
        "audio/wav" or "audio/x-wav" or "audio/wave" => ".wav",
        "audio/mpeg" or "audio/mp3" => ".mp3",
        "audio/ogg" => ".ogg",
        "audio/amr" => ".amr",
        "audio/mp4" or "audio/aac" => ".m4a",
        "audio/webm" => ".webm",
        _ => ".bin",
    };

    private sealed record TranscriptionBody([property: JsonPropertyName("text")] string? Text);
}
