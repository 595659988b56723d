using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>What Twilio said about a message we asked it to send.</summary>
public sealed record SendResult(string? Sid, bool Permanent, int? ErrorCode, string? Error)
{
    /// <summary>The provider's words, with any phone number or email in them masked (they reach the database and the logs).</summary>
    public string? Error { get; init; } = TwilioFeedback.Persistence.Privacy.Mask.Scrub(Error);

    public bool Succeeded => Sid is not null;
}

/// <summary>
/// Our slice of Twilio's REST API for messages (<c>POST …/Messages.json</c>). Refusals (429, 503) and
/// requests that never reached Twilio are retried by the HttpClient's resilience handler
/// (<see cref="ProviderResilience"/>); what is left, a 500 or a timeout included, is reported.
/// </summary>
public sealed class TwilioMessagingClient(IHttpClientFactory httpClients, IOptions<TwilioOptions> options)
{
    private readonly string _accountUrl = $"{options.Value.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{options.Value.AccountSid}/";

    private readonly string _credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Value.AccountSid}:{options.Value.AuthToken}"));

    public const string HttpClientName = "twilio-messages";

    /// <summary>Twilio error codes that no retry will fix.</summary>
    public static readonly IReadOnlySet<int> PermanentErrors = new HashSet<int> { 21211, 21214, 21408, 21610, 21612, 21614, 21617, 63016 };

    public const int Unsubscribed = 21610;

    public Task<SendResult> SendAsync(string to, string body, string? statusCallback, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>> { new("To", to), new("From", options.Value.PhoneNumber!), new("Body", body) };
        if (statusCallback is not null)
        {
            fields.Add(new("StatusCallback", statusCallback));
        }
        return PostAsync("Messages.json", fields, cancellationToken);
    }

    /// <summary>Places a call whose TwiML Twilio fetches from <paramref name="twimlUrl"/> (queued at 1 call/s by Twilio), from <paramref name="from"/> or the account's number.</summary>
    public Task<SendResult> PlaceCallAsync(string to, string twimlUrl, string? statusCallback, CancellationToken cancellationToken, string? from = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("To", to), new("From", from ?? options.Value.PhoneNumber!), new("Url", twimlUrl), new("Method", "POST") };
        if (statusCallback is not null)
        {
            fields.Add(new("StatusCallback", statusCallback));
            fields.Add(new("StatusCallbackEvent", "completed"));
        }
        return PostAsync("Calls.json", fields, cancellationToken);
    }

    private async Task<SendResult> PostAsync(string resource, List<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _accountUrl + resource) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credentials);
        try
        {
            // Headers first: once Twilio has said 2xx the message is accepted, and a body cut off or slow
            // after that must not make the reminder look unsent (and go again).
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new SendResult(await ReadSidAsync(response, cancellationToken) ?? "", false, null, null);
            }
            var error = await ReadJsonAsync<TwilioError>(response, cancellationToken);
            var permanent = error?.Code is { } code ? PermanentErrors.Contains(code) : response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound;
            return new SendResult(null, permanent, error?.Code, error?.Message ?? $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException)
        {
            return new SendResult(null, false, null, exception.Message);
        }
    }

    /// <summary>The SID of an accepted message or call, if its body can be read within a few seconds.</summary>
    private static async Task<string?> ReadSidAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BodyTimeout);
        try
        {
            return (await ReadJsonAsync<TwilioMessage>(response, timeout.Token))?.Sid;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(10);

    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record TwilioMessage([property: JsonPropertyName("sid")] string? Sid, [property: JsonPropertyName("status")] string? Status);

    private sealed record TwilioError([property: JsonPropertyName("code")] int? Code, [property: JsonPropertyName("message")] string? Message);
}
