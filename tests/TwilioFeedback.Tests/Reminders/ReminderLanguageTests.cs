using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;
using TwilioFeedback.Webhooks.Web.Studio;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>A reminder goes out only in a language live on its channels; else in the fallback (French), and the row says so.</summary>
public sealed class ReminderLanguageTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237677000071";

    private readonly HttpClient _translatorA = factory.ClientWith(AppFactory.Token("translator", "Translator A"));
    private readonly HttpClient _translatorB = factory.ClientWith(AppFactory.Token("translator", "Translator B"));

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private string MessagesPath => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    private List<string> SentBodies() =>
        [.. Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath)
            .Select(e => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(e.RequestMessage.Body)["Body"].ToString())];

    private static readonly Dictionary<string, string> Appointment = new() { ["department"] = "Maternité", ["date"] = "2 décembre", ["time"] = "09:30" };

    /// <summary>A Duala appointment reminder on <paramref name="channels"/>: the language the API says it is in, and the text sent.</summary>
    private async Task<(string Language, string Sent)> RemindAsync(params string[] channels)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/reminders", new
        {
            patient_id = "PAT71", language = "dua", scheduled_time = Factory.Now(), phone_number = Phone, channels,
            template = "appointment", parameters = Appointment,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var before = SentBodies().Count;
        await Factory.DispatchAsync();
        return (body.GetProperty("language").GetString()!, SentBodies().Skip(before).Single());
    }

    private string Duala(string key) =>
        string.Join(" ", ["Dua", key, .. Placeholders.Of(Texts.FromResources(key, Language.English)).Order(StringComparer.Ordinal)]);

    [Fact]
    public async Task A_Duala_reminder_goes_out_in_French_until_Duala_is_live_on_its_channels()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("{\"sid\":\"SM000000000000000000000000feed0071\",\"status\":\"queued\"}"));
        foreach (var key in StudioSettings.Required(TextChannels.Sms))
        {
            var draft = await StudioSteps.DraftAsync(_translatorA, "dua", key, Duala(key));
            Assert.Equal(HttpStatusCode.OK, (await StudioSteps.ApproveAsync(_translatorB, "dua", key, draft)).StatusCode);
        }
        var french = Placeholders.Fill(Texts.Get("Template_Appointment", Language.French), Appointment);

        // Approved but not live: French, and the row says French.
        Assert.Equal(("french", french), await RemindAsync("sms"));

        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync("/api/v1/studio/live/dua/sms", new { live = true })).StatusCode);
        Assert.Equal(("douala", "Dua Template_Appointment 2 décembre Maternité 09:30"), await RemindAsync("sms"));
        // Live on SMS but not on calls: a reminder that may fall back to a call is written in French.
        Assert.Equal(("french", french), await RemindAsync("sms", "voice"));
    }
}
