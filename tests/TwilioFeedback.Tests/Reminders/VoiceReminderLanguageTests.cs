using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>A template reminder call speaks the patient's language of the moment it is answered (or its fallback where that is not live on Voice), and the row says which.</summary>
public sealed class VoiceReminderLanguageTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string PlacedCall = "CA00000000000000000000000000ace017";

    private static readonly Dictionary<string, string> Medicine = new() { ["medicine"] = "Coartem" };

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    /// <summary>A French patient's medication reminder by call, their language changed to <paramref name="now"/> before it goes; the first TwiML of the call.</summary>
    private async Task<(long Id, XElement Twiml)> CallAfterLanguageChangeAsync(string patientId, string phone, string now)
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($"{{\"sid\":\"{PlacedCall}\",\"status\":\"queued\"}}"));
        var id = await Client.CreateAsync($$"""
            {"patient_id":"{{patientId}}","language":"fr","scheduled_time":"{{Factory.Now()}}","phone_number":"{{phone}}","channels":["voice"],
             "template":"medication","parameters":{"medicine":"Coartem"},"confirm":true}
            """);
        Assert.Equal("fr", (await Factory.ReminderAsync(id)).Language);
        var changed = await Client.PutAsJsonAsync($"/api/v1/patients/{patientId}", new { preferred_language = now });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        await Factory.DispatchAsync();
        // Placing the call wrote the template afresh, and the row keeps the language it was written in (French where Duala is not live).
        Assert.Equal(now == "en" ? "en" : "fr", (await Factory.ReminderAsync(id)).Language);
        var response = await Client.PostTwilioAsync($"/twilio/voice/reminder?id={id}&step=0", [new("CallSid", PlacedCall), new("CallStatus", "in-progress")]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (id, XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!);
    }

    [Fact]
    public async Task A_template_reminder_call_for_a_patient_now_English_speaks_English_and_the_row_says_so()
    {
        var (id, twiml) = await CallAfterLanguageChangeAsync("PAT1701", "+237677001701", "en");

        var said = twiml.Element("Gather")!.Elements("Say").ToList();
        Assert.Equal(Placeholders.Fill(Texts.Get("Template_Medication", Language.English), Medicine), said[0].Value);
        Assert.Equal("en-US", said[0].Attribute("language")!.Value);
        Assert.Equal(Texts.Get(MessageKeys.VoiceReminderConfirm, Language.English), said[1].Value);
        Assert.Equal("en", (await Factory.ReminderAsync(id)).Language);

        // The patient's 1 is answered in the language the message was spoken in.
        var answer = await Client.PostTwilioAsync($"/twilio/voice/reminder?id={id}&step=1", [new("CallSid", PlacedCall), new("Digits", "1")]);
        var confirmed = XDocument.Parse(await answer.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(Texts.Get(MessageKeys.ReminderConfirmed, Language.English), confirmed.Element("Say")!.Value);
    }

    [Fact]
    public async Task A_template_reminder_call_for_a_patient_now_Duala_not_live_on_Voice_speaks_the_French_fallback()
    {
        var (id, twiml) = await CallAfterLanguageChangeAsync("PAT1702", "+237677001702", "dua");

        var said = twiml.Element("Gather")!.Elements("Say").First();
        Assert.Equal(Placeholders.Fill(Texts.Get("Template_Medication", Language.French), Medicine), said.Value);
        Assert.Equal("fr-FR", said.Attribute("language")!.Value);
        Assert.Empty(twiml.Descendants("Play")); // no Duala recording pretends to be there
        Assert.Equal("fr", (await Factory.ReminderAsync(id)).Language);
    }
}
