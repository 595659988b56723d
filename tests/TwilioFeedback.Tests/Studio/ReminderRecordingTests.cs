using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using TwilioFeedback.Tests.Voice;
using TwilioFeedback.Webhooks.Voice;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// Reminder templates recorded in the studio for Duala, Basaa and Ewondo: only those without values can be (a take cannot say a date),
/// a second person approves, and a Duala reminder call then plays the take; a draft, or a template with values, is spoken in French as before.
/// </summary>
public sealed class ReminderRecordingTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string PlacedCall = "CA00000000000000000000000000ace173";
    private const string Invite = MessageKeys.VoiceFeedbackInvite; // the invite as a call says it: "press a key"

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private async Task<JsonElement> ListAsync(string language) =>
        JsonDocument.Parse(await Client.GetStringAsync($"/api/v1/studio/recordings/{language}")).RootElement;

    /// <summary>Every voice prompt recorded and approved in Duala, and Duala set live on calls by the admin.</summary>
    private async Task DualaLiveOnCallsAsync()
    {
        foreach (var key in PromptCatalog.Keys)
        {
            await ApprovedPrompts.AddAsync(Factory, "dua", key, Tones.Wav(330, 1.0));
        }
        var live = await Client.PutAsJsonAsync("/api/v1/studio/live/dua/voice", new { live = true });
        Assert.True(live.StatusCode == HttpStatusCode.OK, await live.Content.ReadAsStringAsync());
    }

    /// <summary>A reminder call to a Duala patient, placed; the TwiML Twilio gets when the patient picks up.</summary>
    private async Task<XElement> DualaCallAsync(string patientId, string phone, string template, string parameters = "{}")
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($"{{\"sid\":\"{PlacedCall}\",\"status\":\"queued\"}}"));
        var id = await Client.CreateAsync($$"""
            {"patient_id":"{{patientId}}","language":"dua","scheduled_time":"{{Factory.Now()}}","phone_number":"{{phone}}","channels":["voice"],
             "template":"{{template}}","parameters":{{parameters}},"confirm":false}
            """);
        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync($"/api/v1/patients/{patientId}", new { preferred_language = "dua" })).StatusCode);
        await Factory.DispatchAsync();
        var response = await Client.PostTwilioAsync($"/twilio/voice/reminder?id={id}&step=0", [new("CallSid", PlacedCall), new("CallStatus", "in-progress")]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    [Fact]
    public async Task The_recording_list_offers_reminder_templates_in_Duala_and_says_which_carry_values_a_take_cannot_say()
    {
        var duala = await ListAsync("dua");

        var reminders = duala.EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "reminder").ToList();
        Assert.Equal(MessageKeys.VoiceReminderTemplates, reminders.Select(i => i.GetProperty("key").GetString()));
        Assert.Equal(PromptCatalog.Keys, duala.EnumerateArray().Where(i => i.GetProperty("kind").GetString() == "prompt").Select(i => i.GetProperty("key").GetString()));
        var invite = reminders.Single(i => i.GetProperty("key").GetString() == Invite);
        Assert.Empty(invite.GetProperty("values").EnumerateArray());
        Assert.True(invite.GetProperty("recordable").GetBoolean());
        var appointment = reminders.Single(i => i.GetProperty("key").GetString() == "Template_Appointment");
        Assert.Equal(["{date}", "{department}", "{time}"], appointment.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.False(appointment.GetProperty("recordable").GetBoolean());
        // English and French reminders are spoken by Twilio with their values: nothing to record.
        Assert.DoesNotContain((await ListAsync("fr")).EnumerateArray(), i => i.GetProperty("kind").GetString() == "reminder");

        var withValues = await ApprovedPrompts.UploadAsync(Factory, "dua", "Template_Appointment", Tones.Wav(440, 1.0));
        Assert.Equal(HttpStatusCode.BadRequest, withValues.StatusCode);
        var problem = await withValues.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("carries_values", problem.GetProperty("code").GetString());
        Assert.Contains("({date}, {department}, {time}): a recording cannot say them", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await ApprovedPrompts.UploadAsync(Factory, "fr", Invite, Tones.Wav(440, 1.0))).StatusCode);
    }

    [Fact]
    public async Task A_Duala_reminder_call_plays_the_approved_take_of_its_template_and_a_draft_changes_nothing()
    {
        await DualaLiveOnCallsAsync();
        var draft = await ApprovedPrompts.DraftAsync(Factory, "dua", Invite, Tones.Wav(550, 1.5));

        var before = await DualaCallAsync("PAT1731", "+237677001731", "feedback_invite");
        // The invite asks for a key: what it says is inside the Gather.
        var said = before.Element("Gather")!.Elements().First();
        Assert.Equal(("Say", Texts.Get(Invite, Language.French), "fr-FR"), (said.Name.LocalName, said.Value, said.Attribute("language")?.Value));

        var approved = await ApprovedPrompts.ApproveAsync(Factory, "dua", Invite, draft);
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        var after = await DualaCallAsync("PAT1732", "+237677001732", "feedback_invite");

        var played = after.Element("Gather")!.Elements().First();
        Assert.Equal(("Play", $"{AppFactory.PublicBaseUrl}/prompts/dua/{Invite}"), (played.Name.LocalName, played.Value));
        using var twilio = Factory.CreateClient();
        var audio = await twilio.GetAsync(new Uri(played.Value).AbsolutePath);
        Assert.Equal((HttpStatusCode.OK, "audio/wav"), (audio.StatusCode, audio.Content.Headers.ContentType?.MediaType));
        var item = (await ListAsync("dua")).EnumerateArray().Single(i => i.GetProperty("key").GetString() == Invite);
        Assert.Equal("Ebelle Reviewer", item.GetProperty("approved").GetProperty("reviewer").GetString());
    }

    [Fact]
    public async Task A_Duala_reminder_with_values_is_spoken_in_French_whatever_was_recorded()
    {
        await DualaLiveOnCallsAsync();

        var twiml = await DualaCallAsync("PAT1733", "+237677001733", "medication", """{"medicine":"Coartem"}""");

        var said = twiml.Elements().First();
        Assert.Equal(("Say", Placeholders.Fill(Texts.Get("Template_Medication", Language.French), new Dictionary<string, string> { ["medicine"] = "Coartem" })),
            (said.Name.LocalName, said.Value));
        Assert.DoesNotContain(twiml.Descendants("Play"), p => p.Value.Contains("Template_", StringComparison.Ordinal));
    }
}
