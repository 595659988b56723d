using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Ussd;

namespace TwilioFeedback.Tests.Ussd;

/// <summary>USSD sessions as the gateway drives them: <c>text</c> grows by <c>*answer</c> each step.</summary>
public sealed class UssdSessionTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237699000001";
    private readonly string _session = "ATUid_" + Guid.NewGuid().ToString("N");

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private async Task<HttpResponseMessage> PostAsync(string text, string path = "/ussd", string? secret = TwilioApiFactory.UssdSecret, string? session = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([
                new("sessionId", session ?? _session), new("serviceCode", "*384*1234#"), new("phoneNumber", Phone),
                new("networkCode", "62401"), new("text", text)]),
        };
        if (secret is not null)
        {
            request.Headers.Add("X-Ussd-Secret", secret);
        }
        return await Client.SendAsync(request);
    }

    private async Task<string> ScreenAsync(string text)
    {
        var response = await PostAsync(text);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var screen = await response.Content.ReadAsStringAsync();
        Assert.True(screen.Length <= UssdEndpoints.MaxScreenLength, $"{screen.Length} characters: {screen}");
        Assert.Matches("^(CON|END) ", screen);
        return screen;
    }

    public static TheoryData<Language> AllLanguages() => [.. Languages.All];

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public async Task A_session_in_each_language_stores_the_rating_at_once_and_the_comment(Language language)
    {
        var choice = ((int)language + 1).ToString();
        Assert.Equal("CON " + Texts.Get(MessageKeys.LanguageMenu, Language.English), await ScreenAsync(""));
        Assert.Equal("CON " + Texts.Get("Ussd_AskRating", language), await ScreenAsync(choice));
        Assert.Equal("CON " + Texts.Get("Ussd_AskComment", language), await ScreenAsync($"{choice}*4"));
        await using (var db = Factory.Db())
        {
            var feedback = await db.Feedbacks.SingleAsync();
            Assert.Equal((4, "ussd", language.Code()), (feedback.Rating, feedback.Channel, feedback.Language));
        }
        Assert.Equal("END " + Texts.Get(MessageKeys.Thanks, language), await ScreenAsync($"{choice}*4*Bon accueil"));
        await using (var db = Factory.Db())
        {
            Assert.Equal("Bon accueil", (await db.Feedbacks.SingleAsync()).Content);
        }
    }

    [Fact]
    public async Task The_comment_can_be_skipped_and_a_wrong_choice_is_asked_again()
    {
        await ScreenAsync("");
        await ScreenAsync("1");
        Assert.Equal("CON " + Texts.Get("Ussd_AskRatingAgain", Language.English), await ScreenAsync("1*9"));
        await ScreenAsync("1*9*5");
        Assert.Equal("END " + Texts.Get(MessageKeys.Thanks, Language.English), await ScreenAsync("1*9*5*0"));
    }

    [Fact]
    public async Task A_repeated_step_from_the_gateway_has_one_effect()
    {
        await ScreenAsync("");
        await ScreenAsync("2");
        var first = await ScreenAsync("2*3");
        var again = await ScreenAsync("2*3");
        Assert.Equal(first, again);
        await using var db = Factory.Db();
        Assert.Equal(1, await db.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task A_number_without_plus_is_the_same_patient_as_by_SMS()
    {
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "hello"));
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "4"));   // Basaa chosen by SMS
        var request = new HttpRequestMessage(HttpMethod.Post, "/ussd")
        {
            Content = new FormUrlEncodedContent([new("sessionId", _session), new("serviceCode", "*384#"), new("phoneNumber", Phone[1..]), new("text", "")]),
        };
        request.Headers.Add("X-Ussd-Secret", TwilioApiFactory.UssdSecret);
        var screen = await (await Client.SendAsync(request)).Content.ReadAsStringAsync();

        Assert.Equal("CON " + Texts.Get("Ussd_AskRating", Language.Basaa), screen);
        await using var db = Factory.Db();
        Assert.Equal(1, await db.Patients.CountAsync());
    }

    [Fact]
    public async Task The_secret_may_be_a_path_segment()
    {
        var response = await PostAsync("", path: "/ussd/" + TwilioApiFactory.UssdSecret, secret: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("CON ", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    public async Task A_request_without_the_secret_gets_403_and_changes_nothing(string? secret)
    {
        var response = await PostAsync("", secret: secret);
        var inPath = await PostAsync("", path: "/ussd/not-the-secret", secret: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, inPath.StatusCode);
        await using var db = Factory.Db();
        Assert.Equal(0, await db.Patients.CountAsync());
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Every_USSD_screen_fits_in_182_characters(Language language)
    {
        var keys = MessageKeys.Sms.Select(k => MessageKeys.For(MessageKeys.UssdPrefix, k)).Distinct();
        // Measured before Render's last-resort cut, which must never be needed.
        Assert.All(keys, key => Assert.True(
            ("CON " + Texts.Get(key, language)).Length <= UssdEndpoints.MaxScreenLength, $"{key} in {language.Code()}"));
    }
}
