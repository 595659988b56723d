using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Ussd;

namespace TwilioFeedback.Tests.Ussd;

/// <summary>A USSD session the network cuts, and the same patient dialling again: the gateway's requests as it sends them.</summary>
public sealed class UssdResumeTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237699001717";

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private static string NewSession() => "ATUid_" + Guid.NewGuid().ToString("N");

    /// <summary>One request of <paramref name="session"/> (text: every answer so far, joined by *); the screen.</summary>
    private async Task<string> ScreenAsync(string session, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/ussd")
        {
            Content = new FormUrlEncodedContent([
                new("sessionId", session), new("serviceCode", "*384*1234#"), new("phoneNumber", Phone), new("networkCode", "62401"), new("text", text)]),
        };
        request.Headers.Add("X-Ussd-Secret", TwilioApiFactory.UssdSecret);
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A session that chose French and rated 4, then was cut at the comment.</summary>
    private async Task<string> DroppedAtTheCommentAsync()
    {
        var session = NewSession();
        Assert.Equal("CON " + Texts.Menu(MessageKeys.LanguageMenu, Language.English, [Language.English, Language.French]), await ScreenAsync(session, ""));
        Assert.Equal("CON " + Texts.Get("Ussd_AskRating", Language.French), await ScreenAsync(session, "2"));
        Assert.Equal("CON " + Texts.Get("Ussd_AskComment", Language.French), await ScreenAsync(session, "2*4"));
        return session; // the operator cuts it here: no END was sent
    }

    [Fact]
    public async Task A_patient_who_dials_again_within_ten_minutes_continues_at_the_comment_and_is_not_asked_the_rating_again()
    {
        await DroppedAtTheCommentAsync();
        Factory.Clock.Advance(TimeSpan.FromMinutes(9));
        var again = NewSession();

        Assert.Equal("CON " + Texts.Get("Ussd_ResumeSession", Language.French), await ScreenAsync(again, ""));
        Assert.Equal("CON " + Texts.Get("Ussd_AskComment", Language.French), await ScreenAsync(again, "1"));
        Assert.Equal("END " + Texts.Get(MessageKeys.Thanks, Language.French), await ScreenAsync(again, "1*Bon accueil"));

        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal((4, "Bon accueil", "ussd"), (feedback.Rating, feedback.Content, feedback.Channel));
    }

    [Fact]
    public async Task A_patient_who_says_no_to_continue_is_said_goodbye_and_the_rating_given_stays()
    {
        await DroppedAtTheCommentAsync();
        var again = NewSession();

        Assert.Equal("CON " + Texts.Get("Ussd_ResumeSession", Language.French), await ScreenAsync(again, ""));
        Assert.Equal("END " + Texts.Get("Ussd_ResumeDeclined", Language.French), await ScreenAsync(again, "2"));

        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal((4, (string?)null), (feedback.Rating, feedback.Content));
    }

    [Fact]
    public async Task A_patient_who_dials_again_after_ten_minutes_starts_a_new_survey_in_their_language()
    {
        await DroppedAtTheCommentAsync();
        Factory.Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal("CON " + Texts.Get("Ussd_AskRating", Language.French), await ScreenAsync(NewSession(), ""));
    }

    [Fact]
    public async Task A_finished_session_is_not_offered_again()
    {
        var session = await DroppedAtTheCommentAsync();
        Assert.StartsWith("END ", await ScreenAsync(session, "2*4*0"));

        Assert.Equal("CON " + Texts.Get("Ussd_AskRating", Language.French), await ScreenAsync(NewSession(), ""));
    }

    public static TheoryData<Language> AllLanguages() => [.. Languages.All];

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void The_continue_screens_fit_a_USSD_screen_in_every_language(Language language) =>
        Assert.All(new[] { "Ussd_ResumeSession", "Ussd_ResumeDeclined" }, key =>
            Assert.True(("CON " + Texts.Get(key, language)).Length <= UssdEndpoints.MaxScreenLength, $"{key} in {language.Code()}"));
}
