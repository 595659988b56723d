using System.Xml.Linq;
using Microsoft.Extensions.Primitives;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>Form bodies as Twilio sends them, signed as Twilio signs them.</summary>
public static class TwilioRequests
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string HospitalNumber = "+237233000000";

    private static int _sequence;

    public static string NewMessageSid() => $"SM{Interlocked.Increment(ref _sequence):D8}{Guid.NewGuid():N}"[..34];

    /// <summary>An incoming SMS (or, with a <c>whatsapp:</c> From, a WhatsApp message).</summary>
    public static List<KeyValuePair<string, string>> Message(string from, string body, string? messageSid = null)
    {
        var sid = messageSid ?? NewMessageSid();
        var to = from.StartsWith("whatsapp:", StringComparison.Ordinal) ? "whatsapp:" + HospitalNumber : HospitalNumber;
        return
        [
            new("ToCountry", "CM"), new("SmsMessageSid", sid), new("NumMedia", "0"), new("SmsSid", sid),
            new("SmsStatus", "received"), new("Body", body), new("FromCountry", "CM"), new("To", to),
            new("NumSegments", "1"), new("MessageSid", sid), new("AccountSid", AccountSid), new("From", from),
            new("ApiVersion", "2010-04-01"),
        ];
    }

    public static string Sign(string path, IEnumerable<KeyValuePair<string, string>> form, string authToken = AppFactory.AuthToken) =>
        new RequestValidator(authToken).GetSignature(
            AppFactory.PublicBaseUrl + path,
            form.GroupBy(p => p.Key).Select(g => new KeyValuePair<string, StringValues>(g.Key, g.Select(p => p.Value).ToArray())));

    /// <summary>The signature of a raw url-encoded body, over the fields as the server's form reader parses them.</summary>
    public static string SignBody(string path, string body, string authToken = AppFactory.AuthToken) =>
        Sign(path, Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v ?? ""))), authToken);

    public static Task<HttpResponseMessage> PostTwilioAsync(this HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> form, string? signature = null)
    {
        var fields = form.ToList();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", signature ?? Sign(path, fields));
        return client.SendAsync(request);
    }

    /// <summary>The texts of the &lt;Message&gt; verbs of a TwiML answer (checked to be TwiML).</summary>
    public static async Task<IReadOnlyList<string>> MessagesAsync(this HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Response", document.Root!.Name.LocalName);
        return document.Root.Elements().Select(e =>
        {
            Assert.Equal("Message", e.Name.LocalName);
            return e.Value;
        }).ToList();
    }
}
