using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;
using TwilioFeedback.Webhooks.Ussd;

namespace TwilioFeedback.Tests.WebhookTables;

/// <summary>
/// Runs the rows of a webhook table through HTTP on the real server, PostgreSQL and Redis: the
/// state before, the request, then the status, the answer and every row stored afterwards.
/// </summary>
public abstract partial class WebhookTable<TFactory>(TFactory factory) : IntegrationTest<TFactory>(factory)
    where TFactory : AppFactory
{
    /// <summary>The labels of a table, for <c>MemberData</c>: each row is a test of its own in the report.</summary>
    protected static TheoryData<string> LabelsOf(IEnumerable<WebhookCase> table)
    {
        var labels = new TheoryData<string>();
        foreach (var label in table.Select(c => c.Label))
        {
            labels.Add(label);
        }
        return labels;
    }

    protected async Task RunAsync(IEnumerable<WebhookCase> table, string label)
    {
        var row = table.Single(c => c.Label == label);
        Assert.True(new[] { row.TwiML, row.Screen, row.Problem }.Count(e => e is not null) == 1, $"'{label}' must expect one answer: TwiML, Screen or Problem.");
        foreach (var before in row.Given)
        {
            switch (before)
            {
                case TimePasses time:
                    Factory.Clock.Advance(time.By);
                    break;
                case WebhookRequest earlier:
                    using (var answer = await SendAsync(earlier))
                    {
                        Assert.True(answer.IsSuccessStatusCode, $"Before '{label}': {earlier.Path} answered {(int)answer.StatusCode}.");
                    }
                    break;
            }
        }

        using var response = await SendAsync(row.Request);
        var body = await response.Content.ReadAsStringAsync();
        if (row.SentTwice)
        {
            using var retried = await SendAsync(row.Request);
            Assert.Equal(response.StatusCode, retried.StatusCode);
            Assert.Equal(body, await retried.Content.ReadAsStringAsync());
        }

        Assert.Equal(row.Status, response.StatusCode);
        var mediaType = response.Content.Headers.ContentType;
        if (row.TwiML is not null)
        {
            Assert.Equal(("text/xml", "utf-8"), (mediaType?.MediaType, mediaType?.CharSet));
            var expected = XElement.Parse(Resolve(row.TwiML, xml: true)).ToString(SaveOptions.DisableFormatting);
            Assert.Equal(expected, XDocument.Parse(body).Root!.ToString(SaveOptions.DisableFormatting));
        }
        else if (row.Screen is not null)
        {
            Assert.Equal("text/plain", mediaType?.MediaType);
            Assert.Matches("^(CON|END) ", body);
            Assert.True(body.Length <= UssdEndpoints.MaxScreenLength, $"{body.Length} characters: {body}");
            Assert.Equal(Resolve(row.Screen, xml: false), body);
        }
        else
        {
            Assert.Equal("application/problem+json", mediaType?.MediaType);
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(row.Problem, problem.RootElement.GetProperty("title").GetString());
        }

        await using var db = Factory.Db();
        Assert.Equal(row.Patients, await db.Patients.AsNoTracking().OrderBy(p => p.Id)
            .Select(p => new PatientRow(p.Phone!, p.PreferredLanguage, p.OptedOutAt)).ToListAsync());
        Assert.Equal(row.Feedback, await db.Feedbacks.AsNoTracking().OrderBy(f => f.Id)
            .Select(f => new FeedbackRow(f.Rating, f.Content, f.Language, f.Channel, f.VoiceRecording == null ? null : f.VoiceRecording.ProviderSid)).ToListAsync());
        Assert.Equal(row.Events, await db.ProviderEvents.AsNoTracking().OrderBy(e => e.Id)
            .Select(e => new EventRow(e.Kind, e.Sid, e.Status, e.ErrorCode)).ToListAsync());
        Assert.Equal(row.Recordings, await db.VoiceRecordings.AsNoTracking().OrderBy(r => r.Id)
            .Select(r => new RecordingRow(r.ProviderSid, r.ContentType, r.Source)).ToListAsync());
    }

    private string OnConfiguredApi(string body)
    {
        var api = Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TwilioFeedback.Scheduling.TwilioOptions>>().Value.ApiBaseUrl.TrimEnd('/');
        return body.Replace(Uri.EscapeDataString("https://api.twilio.com"), Uri.EscapeDataString(api), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> SendAsync(WebhookRequest request)
    {
        // Fixtures name Twilio's own API host; a factory whose API is a stub gets the stub's URL there.
        request = request with { Body = OnConfiguredApi(request.Body), Signature = request.Signature with { Over = request.Signature.Over is { } over ? OnConfiguredApi(over) : null } };
        var message = new HttpRequestMessage(HttpMethod.Post, request.Path)
        {
            Content = new StringContent(request.Body, Encoding.UTF8, request.ContentType),
        };
        // Twilio sends no charset on its forms; a charset would not change what is read.
        message.Content.Headers.ContentType = new(request.ContentType);
        var signature = request.Signature;
        if (signature.Value is not null)
        {
            message.Headers.Add("X-Twilio-Signature", signature.Value);
        }
        else if (signature.Token is not null)
        {
            var signedBody = signature.Over ?? request.Body;
            message.Headers.Add("X-Twilio-Signature", request.ContentType == WebhookRequest.FormContentType
                ? TwilioRequests.SignBody(request.Path, signedBody, signature.Token)
                : TwilioRequests.SignBody(request.Path, "", signature.Token));
        }
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.Add(name, value);
        }
        return Client.SendAsync(message);
    }

    /// <summary>Puts the built-in texts in for <c>{Key:lang}</c> and <c>{Key:lang:arg}</c>.</summary>
    private string Resolve(string expected, bool xml)
    {
        var texts = Factory.Services.GetRequiredService<PatientTexts>();
        return Placeholder().Replace(expected, match =>
        {
            var language = Languages.All.Single(l => l.Code() == match.Groups["language"].Value);
            var key = match.Groups["key"].Value;
            var text = key is MessageKeys.LanguageMenu or MessageKeys.LanguageMenuAgain && !match.Groups["arg"].Success
                ? StudioSteps.Menu(texts, language, key: key) // the menu patients get: the languages live by default
                : match.Groups["arg"].Success
                ? texts.Get(match.Groups["key"].Value, language, match.Groups["arg"].Value)
                : texts.Get(match.Groups["key"].Value, language);
            return xml ? new XText(text).ToString() : text;
        });
    }

    [GeneratedRegex(@"\{(?<key>[A-Za-z_]+):(?<language>[a-z]+)(:(?<arg>[^}]+))?\}")]
    private static partial Regex Placeholder();
}
