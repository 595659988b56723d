using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>Only the call placed for a reminder answers it, and only once it is sent.</summary>
public sealed class VoiceReminderAnswerTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string PlacedCall = "CA00000000000000000000000000ace001";
    private const string OtherCall = "CA00000000000000000000000000ace002";

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private async Task<long> VoiceReminderAsync(TimeSpan delay)
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($"{{\"sid\":\"{PlacedCall}\",\"status\":\"queued\"}}"));
        var at = (Factory.Clock.GetUtcNow() + delay).ToString("yyyy-MM-ddTHH:mm:sszzz");
        return await Client.CreateAsync($$"""{"patient_id":"PAT60","message":"Votre rendez-vous est demain.","language":"fr","scheduled_time":"{{at}}","phone_number":"+237677000060","channels":["voice"],"confirm":true}""");
    }

    private async Task<XElement> AnswerAsync(long id, string callSid, string digits = "1", int step = 1)
    {
        var response = await Client.PostTwilioAsync($"/twilio/voice/reminder?id={id}&step={step}", [new("CallSid", callSid), new("Digits", digits)]);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    [Fact]
    public async Task A_keypad_answer_to_a_reminder_not_yet_sent_changes_nothing_though_its_message_may_be_spoken()
    {
        var id = await VoiceReminderAsync(TimeSpan.FromHours(1));

        var refused = await AnswerAsync(id, PlacedCall);
        Assert.Equal(["Hangup"], refused.Elements().Select(e => e.Name.LocalName));
        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Scheduled, null), (reminder.Status, reminder.RespondedAt));

        // Twilio may fetch the first TwiML before the dispatcher has saved the call's sid: the message is spoken.
        var message = await AnswerAsync(id, PlacedCall, digits: "", step: 0);
        Assert.Equal("Votre rendez-vous est demain.", message.Element("Gather")!.Elements("Say").First().Value);
    }

    [Fact]
    public async Task Only_the_call_placed_for_the_reminder_answers_it()
    {
        var id = await VoiceReminderAsync(TimeSpan.Zero);
        await Factory.DispatchAsync();
        Assert.Equal((ReminderStatus.Sent, PlacedCall), ((await Factory.ReminderAsync(id)).Status, (await Factory.ReminderAsync(id)).ProviderId));

        var refused = await AnswerAsync(id, OtherCall, "2");
        Assert.Equal(["Hangup"], refused.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(id)).Status);

        var answered = await AnswerAsync(id, PlacedCall, "1");
        Assert.Equal(Texts.Get(MessageKeys.ReminderConfirmed, Language.French), answered.Element("Say")!.Value);
        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Confirmed, $"{PlacedCall}:1"), (reminder.Status, reminder.RespondedMessageId));
    }
}
