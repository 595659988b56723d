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
        catch (Exception exception)
        {
            // Whatever went wrong, the row leaves `fetching`: back to pending with a backoff, or failed with the reason.
            var attempts = recording.Attempts;
            var failed = exception is RecordingRejectedException || attempts >= options.Value.MaxAttempts;
            var next = now + TimeSpan.FromSeconds(Math.Min(3600, 15 * Math.Pow(2, attempts)));
            var reason = exception.Message.Length > 500 ? exception.Message[..500] : exception.Message;
            await db.VoiceRecordings.Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, failed ? RecordingStatus.Failed : RecordingStatus.Pending)
                .SetProperty(r => r.NextAttemptAt, next)
                .SetProperty(r => r.LastError, reason), CancellationToken.None);
            metrics.ProviderError("twilio", failed ? "permanent" : "transient");
            LogFetchFailed(logger, recording.ProviderSid ?? id.ToString(), attempts, failed, reason);
        }
    }

    private async Task<(byte[] Audio, string ContentType)> DownloadAsync(VoiceRecording recording, CancellationToken cancellationToken)
    {
        var source = recording.SourceUrl ?? throw new RecordingRejectedException("The recording has no source URL.");
        // Call recordings come as WAV when ".wav" is added; WhatsApp media come as they are.
        var url = recording.Source == "call" && !source.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ? source + ".wav" : source;
        var target = TwilioMediaUrls.Credentialed(twilio.Value.ApiBaseUrl, twilio.Value.AccountSid ?? "", url)
            ?? throw new RecordingRejectedException("The recording URL is not a recording or media path of our account on the Twilio API (https).");
        var client = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        Authorize(request);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                // Media redirect to Twilio's CDN: one hop, https, an allowed host, and no credentials.
                var location = response.Headers.Location is { } l ? new Uri(target, l) : null;
                if (location is null || !TwilioMediaUrls.IsAllowedRedirect(location, options.Value.AllowedRedirectHosts))
                {
                    throw new RecordingRejectedException($"The recording URL redirects to a host we do not fetch from ({location?.Scheme}://{location?.IdnHost}).");
                }
                response.Dispose();
                using var redirected = new HttpRequestMessage(HttpMethod.Get, location);
                response = await client.SendAsync(redirected, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if ((int)response.StatusCode is >= 300 and < 400)
                {
                    throw new RecordingRejectedException("The recording URL redirects more than once.");
                }
            }
            response.EnsureSuccessStatusCode();
            var contentType = response.Content.Headers.ContentType?.MediaType;
            if (contentType is null || !contentType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase))
            {
                throw new RecordingRejectedException($"The recording is not audio ({contentType ?? "no content type"}).");
            }
            return (await ReadAtMostAsync(response.Content, options.Value.MaxBytes, cancellationToken), contentType);
        }
        finally
        {
            response.Dispose();
        }
    }

    /// <summary>Reads the body, stopping as soon as it passes <paramref name="maxBytes"/> (with or without a Content-Length).</summary>
    private static async Task<byte[]> ReadAtMostAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var tooLarge = new RecordingRejectedException($"The recording is larger than {maxBytes} bytes.");
        if (content.Headers.ContentLength > maxBytes)
        {
            throw tooLarge;
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw tooLarge;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private async Task DeleteAtTwilioAsync(string recordingSid, CancellationToken cancellationToken)
    {
        // The sid came in a callback: only a recording's sid makes the path, never "../Messages/…".
        if (!TwilioMediaUrls.IsSid(recordingSid, "RE"))
        {
            LogDeleteFailed(logger, recordingSid.Length > 40 ? recordingSid[..40] : recordingSid, "not a recording sid (RE and 32 hex digits): not deleted");
            return;
        }
        var url = $"{twilio.Value.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{twilio.Value.AccountSid}/Recordings/{recordingSid}.json";
        using var request = new HttpRequestMessage(HttpMethod.Delete, url);
        Authorize(request);
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

    // Called only with a URL TwilioMediaUrls accepted (or built from a checked sid).
    private void Authorize(HttpRequestMessage request)
    {
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
