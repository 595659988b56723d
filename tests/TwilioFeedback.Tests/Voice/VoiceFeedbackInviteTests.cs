using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Voice;

/// <summary>A feedback invite by call: the caller hears a keypad wording, and the key they press is their rating, as a reply to the SMS invite is.</summary>
public sealed class VoiceFeedbackInviteTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    public static TheoryData<string, string, string, string> Invites => new()
    {
        { "en", "en-US", "Thank you for your visit. How was your care? Press a key from 1 for very bad to 5 for very good.", "PAT-VI-EN" },
        { "fr", "fr-FR", "Merci de votre visite. Comment jugez-vous vos soins ? Appuyez sur une touche de 1 pour très mauvais à 5 pour très bien.", "PAT-VI-FR" },
    };

    /// <summary>Places the invite's call (answered by the Twilio stub) and returns the TwiML Twilio fetches first, with the call's form.</summary>
    private async Task<(XElement TwiML, KeyValuePair<string, string>[] Form)> InviteCallAsync(string language, string patient, string phone, string sid)
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($$"""{"sid":"{{sid}}","status":"queued"}"""));
        var id = await Client.CreateAsync($$"""{"patient_id":"{{patient}}","language":"{{language}}","scheduled_time":"{{Factory.Now()}}","phone_number":"{{phone}}","kind":"feedback_invite","channels":["voice"]}""");
        await Factory.DispatchAsync();
        // A call we placed: From is the hospital, To the patient.
        KeyValuePair<string, string>[] form = [new("CallSid", sid), new("CallStatus", "in-progress"), new("From", TwilioRequests.HospitalNumber), new("To", phone)];
        var twiml = XDocument.Parse(await (await Client.PostTwilioAsync($"/twilio/voice/reminder?id={id}", form)).Content.ReadAsStringAsync()).Root!;
        return (twiml, form);
    }

    private async Task<XElement> StepAsync(string action, KeyValuePair<string, string>[] form, string? digits) =>
        XDocument.Parse(await (await Client.PostTwilioAsync(action, digits is null ? form : [.. form, new("Digits", digits)])).Content.ReadAsStringAsync()).Root!;

    [Theory]
    [MemberData(nameof(Invites))]
    public async Task A_caller_hears_the_invite_as_press_a_key_and_the_key_is_saved_as_the_rating(string language, string say, string invite, string patient)
    {
        var (twiml, form) = await InviteCallAsync(language, patient, "+237677004101", "CA000000000000000000000000fee10001");

        var gather = twiml.Element("Gather")!;
        Assert.Equal([(say, invite)], gather.Elements("Say").Select(e => (e.Attribute("language")!.Value, e.Value)));
        Assert.Equal("1", gather.Attribute("numDigits")!.Value);
        Assert.DoesNotContain(twiml.Descendants("Say"), s => s.Value.Contains(language == "en" ? "Reply" : "Répondez", StringComparison.Ordinal));
        var action = gather.Attribute("action")!.Value;

        // The key is the rating: the call goes on to the spoken comment, in the patient's language.
        var comment = await StepAsync(action, form, "4");
        Assert.Equal(Texts.Get("Voice_AskComment", Languages.FromCode(language)!.Value), comment.Element("Say")!.Value);
        Assert.NotNull(comment.Element("Record"));
        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.Include(f => f.Patient).SingleAsync();
        Assert.Equal((4, patient, "voice"), (feedback.Rating, feedback.Patient.ExternalId, feedback.Channel));
    }

    [Fact]
    public async Task A_caller_who_presses_no_key_is_asked_for_the_rating_by_the_survey()
    {
        var (twiml, form) = await InviteCallAsync("fr", "PAT-VI-NONE", "+237677004102", "CA000000000000000000000000fee10002");
        var redirect = twiml.Element("Redirect")!.Value;

        var asked = await StepAsync(redirect, form, null);
        Assert.Equal(Texts.Get("Voice_AskRating", Language.French), asked.Element("Gather")!.Element("Say")!.Value);
        var rated = await StepAsync(asked.Element("Gather")!.Attribute("action")!.Value, form, "5");
        Assert.NotNull(rated.Element("Record"));
        await using var db = Factory.Db();
        Assert.Equal(5, (await db.Feedbacks.SingleAsync()).Rating);
    }

    [Fact]
    public async Task Another_call_cannot_answer_the_invite()
    {
        var (twiml, form) = await InviteCallAsync("en", "PAT-VI-OTHER", "+237677004103", "CA000000000000000000000000fee10003");
        var action = twiml.Element("Gather")!.Attribute("action")!.Value;

        var other = await StepAsync(action, [.. form.Where(f => f.Key != "CallSid"), new("CallSid", "CA000000000000000000000000fee1ffff")], "4");
        Assert.Equal(["Hangup"], other.Elements().Select(e => e.Name.LocalName));
        await using var db = Factory.Db();
        Assert.Empty(await db.Feedbacks.ToListAsync());
    }
}
