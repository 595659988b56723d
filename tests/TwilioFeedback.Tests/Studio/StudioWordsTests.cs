using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// The parsing words a speaker writes in the studio: on the real, signed SMS webhook a Duala word is
/// understood once a second person approved it, and not while it is a draft.
/// </summary>
public sealed class StudioWordsTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Patient = "+237690000061";

    private readonly HttpClient _translatorA = factory.ClientWith(AppFactory.Token("translator", "Translator A"));
    private readonly HttpClient _translatorB = factory.ClientWith(AppFactory.Token("translator", "Translator B"));

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private string MessagesPath => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    private Task<long> DraftAsync(string key, string text) => StudioSteps.DraftAsync(_translatorA, "dua", key, text);

    private async Task ApproveAsync(string key, long draft) =>
        Assert.Equal(HttpStatusCode.OK, (await StudioSteps.ApproveAsync(_translatorB, "dua", key, draft)).StatusCode);

    private async Task<string?> SendAsync(string body) =>
        (await (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Patient, body))).MessagesAsync()).SingleOrDefault();

    [Fact]
    public async Task A_Duala_number_word_rates_once_approved_and_not_while_a_draft()
    {
        var draft = await DraftAsync(ParsingWords.Numbers, "ewo, ɓeɓaá, bélálo, ínei, ítánu");
        await SendAsync("hello");
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.English), await SendAsync("1"));

        Assert.Equal(Texts.Get(MessageKeys.AskRatingAgain, Language.English), await SendAsync("ítánu"));
        await ApproveAsync(ParsingWords.Numbers, draft);
        // Typed without its tone marks, as on most phones.
        Assert.Equal(Texts.Get(MessageKeys.AskComment, Language.English), await SendAsync("itanu"));

        await using var db = Factory.Db();
        Assert.Equal(5, (await db.Feedbacks.SingleAsync()).Rating);
    }

    [Fact]
    public async Task A_Duala_yes_word_confirms_a_reminder_once_approved_and_not_while_a_draft()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("{\"sid\":\"SM000000000000000000000000feed0061\",\"status\":\"queued\"}"));
        var draft = await DraftAsync(ParsingWords.Yes, "ee, iyó");
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT61","message":"Appointment tomorrow 9:00.","language":"fr","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Patient}}","confirm":true}""");
        await Factory.DispatchAsync();

        // A draft word is no answer: the message is an ordinary one (the survey starts) and the reminder still waits.
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.French), await SendAsync("iyó"));
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(id)).Status);

        await ApproveAsync(ParsingWords.Yes, draft);
        Assert.Equal(Texts.Get(MessageKeys.ReminderConfirmed, Language.French), await SendAsync("iyo"));
        Assert.Equal(ReminderStatus.Confirmed, (await Factory.ReminderAsync(id)).Status);
    }
}
