using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
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
    /// <param name="message">The invite's own words (JSON-safe), or none for the invite template.</param>
    private async Task<(XElement TwiML, KeyValuePair<string, string>[] Form)> InviteCallAsync(string language, string patient, string phone, string sid, string? message = null)
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($$"""{"sid":"{{sid}}","status":"queued"}"""));
        var words = message is null ? "" : $$""","message":"{{message}}" """;
        var id = await Client.CreateAsync($$"""{"patient_id":"{{patient}}","language":"{{language}}","scheduled_time":"{{Factory.Now()}}","phone_number":"{{phone}}","kind":"feedback_invite","channels":["voice"]{{words}}}""");
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

    [Fact]
    public async Task A_key_on_the_invite_is_the_rating_even_while_a_reminder_waits_for_1_or_2()
    {
        const string phone = "+237677004104";
        var waiting = await Client.CreateAsync($$"""{"patient_id":"PAT-VI-WAIT","message":"Lab on Monday.","language":"en","scheduled_time":"{{Factory.Clock.GetUtcNow().AddMinutes(5):yyyy-MM-ddTHH:mm:sszzz}}","phone_number":"{{phone}}","confirm":true}""");
        var (twiml, form) = await InviteCallAsync("en", "PAT-VI-WAIT", phone, "CA000000000000000000000000fee10004");
        // The reminder went out by SMS meanwhile and waits for the patient's 1 or 2.
        await using (var db = Factory.Db())
        {
            var now = Factory.Clock.GetUtcNow();
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE reminders SET status = 'sent', sent_at = {now}, attempts = 1 WHERE id = {waiting}");
        }

        var comment = await StepAsync(twiml.Element("Gather")!.Attribute("action")!.Value, form, "1");
        Assert.Equal(Texts.Get("Voice_AskComment", Language.English), comment.Element("Say")!.Value);
        await using var after = Factory.Db();
        Assert.Equal(1, (await after.Feedbacks.SingleAsync()).Rating);
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(waiting)).Status);
    }

    [Fact]
    public async Task A_patient_with_no_language_keeps_the_key_they_pressed_and_goes_on_in_the_invites_language()
    {
        var (twiml, form) = await InviteCallAsync("fr", "PAT-VI-NOLANG", "+237677004105", "CA000000000000000000000000fee10005");
        await using (var db = Factory.Db())
        {
            await db.Patients.Where(p => p.ExternalId == "PAT-VI-NOLANG").ExecuteUpdateAsync(s => s.SetProperty(p => p.PreferredLanguage, (string?)null));
        }

        var comment = await StepAsync(twiml.Element("Gather")!.Attribute("action")!.Value, form, "4");
        Assert.Equal(Texts.Get("Voice_AskComment", Language.French), comment.Element("Say")!.Value);
        await using var after = Factory.Db();
        var feedback = await after.Feedbacks.Include(f => f.Patient).SingleAsync();
        Assert.Equal((4, "fr"), (feedback.Rating, feedback.Language));
        // Their own pick is still theirs to make: the invite's language was not saved as it.
        Assert.Null(feedback.Patient.PreferredLanguage);
    }

    [Fact]
    public async Task An_invite_with_its_own_words_is_said_as_written_then_asks_for_the_key()
    {
        const string words = "Merci d'être venu au service de pédiatrie.";
        var (twiml, form) = await InviteCallAsync("fr", "PAT-VI-WORDS", "+237677004106", "CA000000000000000000000000fee10006", words);

        var gather = twiml.Element("Gather")!;
        Assert.Equal([words, Texts.Get("Voice_AskRating", Language.French)], gather.Elements("Say").Select(e => e.Value));
        Assert.Equal("1", gather.Attribute("numDigits")!.Value);
        var comment = await StepAsync(gather.Attribute("action")!.Value, form, "3");
        Assert.NotNull(comment.Element("Record"));
        await using var db = Factory.Db();
        Assert.Equal(3, (await db.Feedbacks.SingleAsync()).Rating);
    }
}
