using System.Net.Http.Headers;
using System.Text;
using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Scheduling.Recordings;

/// <summary>
/// Fetches recordings that are ready at Twilio (Basic auth), stores them encrypted, and deletes them
/// there. Each row is claimed with a conditional update, so two fetchers never store one twice.
/// Queued by the recording callback; also scheduled every minute to retry with backoff.
/// </summary>
public sealed partial class RecordingFetcher(
    FeedbackDbContext db,
    IHttpClientFactory httpClients,
    DataCipher cipher,
    TimeProvider clock,
    IOptions<TwilioOptions> twilio,
    IOptions<RecordingOptions> options,
    SchedulingMetrics metrics,
    ILogger<RecordingFetcher> logger) : IInvocable
{
    public const string HttpClientName = "twilio";

    public async Task Invoke()
    {
        if (twilio.Value.DryRun)
        {
            return; // No credentials to fetch with; the rows wait.
        }
        var now = clock.GetUtcNow();
        var due = await db.VoiceRecordings.AsNoTracking()
            .Where(r => r.Status == RecordingStatus.Pending && (r.NextAttemptAt == null || r.NextAttemptAt <= now))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(50).ToListAsync();
        foreach (var id in due)
        {
            await FetchAsync(id, CancellationToken.None);
        }
    }

    private async Task FetchAsync(long id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var claimed = await db.VoiceRecordings
            .Where(r => r.Id == id && r.Status == RecordingStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RecordingStatus.Fetching).SetProperty(r => r.Attempts, r => r.Attempts + 1), cancellationToken);
        if (claimed == 0)
        {
            return;
        }
        var recording = await db.VoiceRecordings.AsNoTracking().SingleAsync(r => r.Id == id, cancellationToken);
        try
        {
            var (audio, contentType) = await DownloadAsync(recording, cancellationToken);
            var encrypted = cipher.Encrypt(audio);
            await db.VoiceRecordings.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RecordingStatus.Stored)
                .SetProperty(r => r.Data, encrypted)
                .SetProperty(r => r.KeyId, cipher.ActiveKeyId)
                .SetProperty(r => r.ContentType, contentType)
                .SetProperty(r => r.SizeBytes, audio.Length)
                .SetProperty(r => r.StoredAt, now)
                .SetProperty(r => r.LastError, (string?)null), cancellationToken);
            LogStored(logger, recording.ProviderSid ?? id.ToString(), audio.Length);
            if (recording.Source == "call" && options.Value.DeleteFromTwilio && recording.ProviderSid is { } sid)
            {
                await DeleteAtTwilioAsync(sid, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidDataException)
        {
            var attempts = recording.Attempts;
            var failed = attempts >= options.Value.MaxAttempts;
            var next = now + TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, attempts)));
            await db.VoiceRecordings.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, failed ? RecordingStatus.Failed : RecordingStatus.Pending)
                .SetProperty(r => r.NextAttemptAt, next)
                .SetProperty(r => r.LastError, exception.Message.Length > 500 ? exception.Message[..500] : exception.Message), cancellationToken);
            metrics.ProviderError("twilio", failed ? "permanent" : "transient");
            LogFetchFailed(logger, recording.ProviderSid ?? id.ToString(), attempts, failed, exception.Message);
        }
    }

    private async Task<(byte[] Audio, string ContentType)> DownloadAsync(VoiceRecording recording, CancellationToken cancellationToken)
    {
        var source = recording.SourceUrl ?? throw new InvalidDataException("The recording has no source URL.");
        // Call recordings come as WAV when ".wav" is added; WhatsApp media come as they are.
        var url = recording.Source == "call" && !source.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ? source + ".wav" : source;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        Authorize(request, url);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > options.Value.MaxBytes)
        {
            throw new InvalidDataException($"The recording is larger than {options.Value.MaxBytes} bytes.");
        }
        var audio = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (audio.Length > options.Value.MaxBytes)
        {
            throw new InvalidDataException($"The recording is larger than {options.Value.MaxBytes} bytes.");
        }
        var contentType = response.Content.Headers.ContentType?.MediaType ?? recording.ContentType;
        return (audio, contentType);
    }

    private async Task DeleteAtTwilioAsync(string recordingSid, CancellationToken cancellationToken)
    {
        var url = $"{twilio.Value.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{twilio.Value.AccountSid}/Recordings/{recordingSid}.json";
        using var request = new HttpRequestMessage(HttpMethod.Delete, url);
        Authorize(request, url);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            LogDeleted(logger, recordingSid, (int)response.StatusCode);
        }
        catch (HttpRequestException exception)
        {
            // Stored already: a leftover copy at Twilio is not worth failing the fetch for.
            LogDeleteFailed(logger, recordingSid, exception.Message);
        }
    }

    // Credentials go only to Twilio's own API host, never to a URL someone put in a request.
    private void Authorize(HttpRequestMessage request, string url)
    {
        var apiHost = new Uri(twilio.Value.ApiBaseUrl).Authority;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || !string.Equals(target.Authority, apiHost, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException("Recording URL is not on the Twilio API host.");
        }
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.Value.AccountSid}:{twilio.Value.AuthToken}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Recording {RecordingSid} stored ({Bytes} bytes, encrypted)")]
    private static partial void LogStored(ILogger logger, string recordingSid, int bytes);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Recording {RecordingSid} not fetched (attempt {Attempt}, given up: {GivenUp}): {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string recordingSid, int attempt, bool givenUp, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Recording {RecordingSid} deleted at Twilio ({Status})")]
    private static partial void LogDeleted(ILogger logger, string recordingSid, int status);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Recording {RecordingSid} could not be deleted at Twilio: {Error}")]
    private static partial void LogDeleteFailed(ILogger logger, string recordingSid, string error);
}
