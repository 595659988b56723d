using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace TwilioFeedback.Tests.TwilioSetup;

/// <summary>Twilio's IncomingPhoneNumbers and Messaging Services resources on a WireMock stub, as their JSON arrives.</summary>
public static class TwilioStub
{
    public const string NumberSid = "PN0000000000000000000000000000000a";
    public const string ServiceSid = "MG0000000000000000000000000000000b";
    public const string NumbersPath = $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/IncomingPhoneNumbers.json";
    public const string NumberPath = $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/IncomingPhoneNumbers/{NumberSid}.json";
    public const string ServicePath = $"/v1/Services/{ServiceSid}";

    /// <summary>The number's JSON with its webhooks under <paramref name="baseUrl"/> (or none).</summary>
    public static object Number(string? baseUrl) => new Dictionary<string, object?>
    {
        ["sid"] = NumberSid, ["account_sid"] = TwilioRequests.AccountSid, ["phone_number"] = TwilioRequests.HospitalNumber,
        ["friendly_name"] = "DGH feedback",
        ["sms_url"] = baseUrl is null ? "" : baseUrl + "/twilio/sms", ["sms_method"] = "POST",
        ["voice_url"] = baseUrl is null ? "" : baseUrl + "/twilio/voice", ["voice_method"] = "POST",
        ["status_callback"] = baseUrl is null ? "" : baseUrl + "/twilio/status/call", ["status_callback_method"] = "POST",
        ["sms_fallback_url"] = "", ["voice_fallback_url"] = "", ["capabilities"] = new { sms = true, voice = true, mms = false },
    };

    public static object Service(string? inboundUrl, bool usesNumberWebhook) => new Dictionary<string, object?>
    {
        ["sid"] = ServiceSid, ["account_sid"] = TwilioRequests.AccountSid, ["friendly_name"] = "Hospital senders",
        ["inbound_request_url"] = inboundUrl, ["inbound_method"] = "POST", ["use_inbound_webhook_on_number"] = usesNumberWebhook,
        ["status_callback"] = null, ["fallback_url"] = null,
    };

    /// <summary>The account: the number found by PhoneNumber (or not), and the services (holding the number or not).</summary>
    public static void Account(this WireMockServer twilio, object? number, object? service = null, bool serviceHoldsNumber = true)
    {
        twilio.Given(Request.Create().WithPath(NumbersPath).WithParam("PhoneNumber", TwilioRequests.HospitalNumber).UsingGet())
            .RespondWith(Json(200, new { incoming_phone_numbers = number is null ? Array.Empty<object>() : [number], page = 0, page_size = 50, next_page_uri = (string?)null }));
        twilio.Given(Request.Create().WithPath("/v1/Services").UsingGet())
            .RespondWith(Json(200, new { services = service is null ? Array.Empty<object>() : [service], meta = new { page = 0, page_size = 50, next_page_url = (string?)null, key = "services" } }));
        if (service is not null && serviceHoldsNumber)
        {
            twilio.Given(Request.Create().WithPath($"{ServicePath}/PhoneNumbers/{NumberSid}").UsingGet())
                .RespondWith(Json(200, new { sid = NumberSid, service_sid = ServiceSid, phone_number = TwilioRequests.HospitalNumber }));
        }
    }

    public static IResponseBuilder Json(int status, object body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body));

    /// <summary>The form fields of every POST to <paramref name="path"/>, as the stub received them.</summary>
    public static List<Dictionary<string, string>> Posts(this WireMockServer twilio, string path) =>
        [.. twilio.LogEntries.Where(e => e.RequestMessage.Path == path && e.RequestMessage.Method == "POST")
            .Select(e => QueryHelpers.ParseQuery(e.RequestMessage.Body).ToDictionary(p => p.Key, p => p.Value.ToString()))];
}
