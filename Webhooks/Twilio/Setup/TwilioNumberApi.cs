using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>
/// Our slice of Twilio's REST API for a number's webhooks: the IncomingPhoneNumbers resource
/// (<c>/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers</c>) and Messaging v1 Services
/// (<c>/v1/Services</c>, <c>/v1/Services/{Sid}/PhoneNumbers</c>). Basic auth with the account's
/// SID and Auth Token; the token never appears in an answer, an error or a log line.
/// </summary>
public sealed class TwilioNumberApi(IHttpClientFactory httpClients, IOptions<TwilioOptions> twilio, IOptions<TwilioSetupOptions> setup)
{
    public const string HttpClientName = "twilio-number-setup";

    private string AccountUrl => $"{twilio.Value.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.Value.AccountSid ?? "")}";

    private string MessagingUrl => setup.Value.MessagingApiBaseUrl.TrimEnd('/') + "/v1";

    /// <summary>The number as Twilio holds it, or null when the account has no such number.</summary>
    public async Task<IncomingNumber?> FindNumberAsync(string phoneNumber, CancellationToken cancellationToken)
    {
        var page = await SendAsync<IncomingNumberPage>(HttpMethod.Get, $"{AccountUrl}/IncomingPhoneNumbers.json?PhoneNumber={Uri.EscapeDataString(phoneNumber)}", null, cancellationToken);
        return page.IncomingPhoneNumbers?.FirstOrDefault(n => n.PhoneNumber == phoneNumber);
    }

    /// <summary>Sets the number's webhooks (<c>POST …/IncomingPhoneNumbers/{PN…}.json</c>).</summary>
    public Task<IncomingNumber> UpdateNumberAsync(string numberSid, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken) =>
        SendAsync<IncomingNumber>(HttpMethod.Post, $"{AccountUrl}/IncomingPhoneNumbers/{Uri.EscapeDataString(numberSid)}.json", fields, cancellationToken);

    /// <summary>The Messaging Service whose sender pool holds the number, or null (walks the account's services, a few at most).</summary>
    public async Task<MessagingService?> FindServiceOfAsync(string numberSid, CancellationToken cancellationToken)
    {
        string? next = $"{MessagingUrl}/Services?PageSize=50";
        for (var pages = 0; next is not null && pages < MaxPages; pages++)
        {
            var services = await SendAsync<ServicePage>(HttpMethod.Get, next, null, cancellationToken);
            foreach (var service in services.Services ?? [])
            {
                var numbers = await SendAsync<ServiceNumberPage>(HttpMethod.Get, $"{MessagingUrl}/Services/{Uri.EscapeDataString(service.Sid)}/PhoneNumbers/{Uri.EscapeDataString(numberSid)}", null, cancellationToken, allowNotFound: true);
                if (numbers.Sid is not null)
                {
                    return service;
                }
            }
            next = services.Meta?.NextPageUrl;
        }
        return null;
    }

    /// <summary>Sets a Messaging Service's inbound webhook (<c>POST /v1/Services/{MG…}</c>).</summary>
    public Task<MessagingService> UpdateServiceAsync(string serviceSid, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken cancellationToken) =>
        SendAsync<MessagingService>(HttpMethod.Post, $"{MessagingUrl}/Services/{Uri.EscapeDataString(serviceSid)}", fields, cancellationToken);

    private const int MaxPages = 20;

    private async Task<T> SendAsync<T>(HttpMethod method, string url, IEnumerable<KeyValuePair<string, string>>? form, CancellationToken cancellationToken, bool allowNotFound = false)
        where T : new()
    {
        using var request = new HttpRequestMessage(method, url);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{twilio.Value.AccountSid}:{twilio.Value.AuthToken}")));
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException)
        {
            throw new TwilioApiException(null, null, $"Twilio's API could not be reached ({exception.GetType().Name}).");
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return await ReadAsync<T>(response, cancellationToken) ?? new T();
            }
            if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)
            {
                return new T();
            }
            var error = await ReadAsync<TwilioError>(response, cancellationToken);
            throw new TwilioApiException((int)response.StatusCode, error?.Code, response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    "Twilio refused the credentials: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or the API key) for this account.",
                _ => $"Twilio answered {(int)response.StatusCode}{(error?.Code is { } code ? $" (error {code})" : "")}: {error?.Message ?? "no details"}.",
            });
        }
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException)
        {
            return default;
        }
    }

    private sealed record TwilioError([property: JsonPropertyName("code")] int? Code, [property: JsonPropertyName("message")] string? Message);

    private sealed record IncomingNumberPage
    {
        [JsonPropertyName("incoming_phone_numbers")]
        public IReadOnlyList<IncomingNumber>? IncomingPhoneNumbers { get; init; }
    }

    private sealed record ServicePage
    {
        [JsonPropertyName("services")]
        public IReadOnlyList<MessagingService>? Services { get; init; }

        [JsonPropertyName("meta")]
        public PageMeta? Meta { get; init; }
    }

    private sealed record PageMeta([property: JsonPropertyName("next_page_url")] string? NextPageUrl);

    private sealed record ServiceNumberPage
    {
        [JsonPropertyName("sid")]
        public string? Sid { get; init; }
    }
}

/// <summary>A Twilio REST call that failed, in words fit for an operator (never the token).</summary>
public sealed class TwilioApiException(int? status, int? code, string message) : Exception(message)
{
    public int? Status { get; } = status;

    public int? Code { get; } = code;

    public bool Unauthorized => Status is 401 or 403;
}
