using System.Net;
using System.Xml.Linq;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Faults;

/// <summary>What the fault tests share: bounded requests and the polite outage answer.</summary>
public static class FaultSteps
{
    public const string UssdSecret = "ussd-fault-secret";

    /// <summary>The answer a patient gets while a store is down, as SMS text.</summary>
    /// <summary>What a patient reads while a database is down (Resources' TryLater in English, then French).</summary>
    public const string OutageEnglish = "Sorry, please try again in a few minutes.";

    public const string OutageSms = OutageEnglish + "\nDésolé, réessayez dans quelques minutes.";

    /// <summary>A client whose every request gives up after 20 seconds: no fault test hangs.</summary>
    public static HttpClient BoundedClient(this AppFactory factory, string? token = null)
    {
        var client = factory.ClientWith(token);
        client.Timeout = TimeSpan.FromSeconds(20);
        return client;
    }

    /// <summary>The single &lt;Message&gt; of an SMS webhook's answer (checked to be 200 TwiML), or null.</summary>
    public static async Task<string?> SmsAsync(this HttpClient client, string from, string body, string? sid = null) =>
        (await (await client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(from, body, sid))).MessagesAsync()).SingleOrDefault();

    /// <summary>A call's first webhook; returns the TwiML document (checked to be 200 text/xml).</summary>
    public static async Task<XDocument> CallAsync(this HttpClient client, string from, string callSid)
    {
        var response = await client.PostTwilioAsync("/twilio/voice",
            [new("CallSid", callSid), new("From", from), new("To", TwilioRequests.HospitalNumber), new("AccountSid", TwilioRequests.AccountSid), new("CallStatus", "ringing")]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A later step of a call (a key pressed); returns the TwiML document.</summary>
    public static async Task<XDocument> CallStepAsync(this HttpClient client, string from, string callSid, int step, string digits)
    {
        var response = await client.PostTwilioAsync($"/twilio/voice?step={step}",
            [new("CallSid", callSid), new("From", from), new("To", TwilioRequests.HospitalNumber), new("AccountSid", TwilioRequests.AccountSid), new("Digits", digits)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A USSD gateway post; returns the screen (checked to be 200).</summary>
    public static async Task<string> UssdAsync(this HttpClient client, string phone, string sessionId, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/ussd")
        {
            Content = new FormUrlEncodedContent([new("sessionId", sessionId), new("phoneNumber", phone), new("serviceCode", "*123#"), new("text", text)]),
        };
        request.Headers.Add("X-Ussd-Secret", UssdSecret);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
