using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using TwilioFeedback.Tests.Studio;
using TwilioFeedback.Webhooks.Web.Studio;

namespace TwilioFeedback.Tests.Inbox;

/// <summary>
/// An inbox answer goes out as reminders do: staff's words as typed, the hospital's greeting around them in the patient's
/// language only where it is live on the channel, else in its fallback (French); the reminder row records which.
/// </summary>
public sealed class InboxReplyLanguageTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Words = "Le Dr Ngo vous appellera demain.";

    private readonly HttpClient _staff = factory.ClientWith(AppFactory.Token("staff", "Ward Nurse"));
    private readonly HttpClient _translatorA = factory.ClientWith(AppFactory.Token("translator", "Translator A"));
    private readonly HttpClient _translatorB = factory.ClientWith(AppFactory.Token("translator", "Translator B"));

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    /// <summary>Answers feedback <paramref name="id"/> by SMS and sends it: the text at the stubbed Twilio API, and the language on the row.</summary>
    private async Task<(string Sent, string Language)> AnswerAsync(long id)
    {
        var response = await _staff.PostAsJsonAsync($"/api/v1/inbox/{id}/reply", new { message = Words, channel = "sms" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var before = InboxRows.SentMessages(Factory).Count();
        await Factory.DispatchAsync();
        var (_, body) = Assert.Single(InboxRows.SentMessages(Factory).Skip(before));
        await using var db = Factory.Db();
        var reminder = await db.Reminders.AsNoTracking().Where(r => r.Kind == "inbox_reply").OrderBy(r => r.Id).LastAsync();
        return (body, reminder.Language);
    }

    [Fact]
    public async Task A_Duala_patient_is_answered_with_the_French_greeting_until_Duala_is_live_on_SMS()
    {
        InboxRows.TwilioAccepts(Factory);
        // Every SMS text approved in Duala (what setting Duala live asks), the greeting among them.
        foreach (var key in StudioSettings.Required(TextChannels.Sms))
        {
            var text = string.Join(" ", ["Dua", key, .. Placeholders.Of(Texts.FromResources(key, Language.English)).Order(StringComparer.Ordinal)]);
            var draft = await StudioSteps.DraftAsync(_translatorA, "dua", key, text);
            Assert.Equal(HttpStatusCode.OK, (await StudioSteps.ApproveAsync(_translatorB, "dua", key, draft)).StatusCode);
        }
        var id = await InboxRows.AddAsync(Factory, 2, "dua", "Na si nongo bwam", channel: "sms");

        // Approved but not live on SMS: the French greeting around staff's words, and the row says French.
        var french = Placeholders.Fill(Texts.Get(MessageKeys.InboxReply, Language.French), new Dictionary<string, string> { ["message"] = Words });
        Assert.Equal((french, "fr"), await AnswerAsync(id));

        Assert.Equal(HttpStatusCode.OK, (await Client.PutAsJsonAsync("/api/v1/studio/live/dua/sms", new { live = true })).StatusCode);
        Assert.Equal(("Dua Template_InboxReply " + Words, "dua"), await AnswerAsync(id));
    }
}
