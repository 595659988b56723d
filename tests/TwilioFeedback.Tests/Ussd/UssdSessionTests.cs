using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;
using TwilioFeedback.Webhooks.Ussd;

namespace TwilioFeedback.Tests.Ussd;

/// <summary>
/// Whole USSD sessions as the gateway drives them: <c>text</c> grows by <c>*answer</c> each step. Single
/// steps (a wrong choice, a repeated step, the secret) are rows of <see cref="WebhookTables.UssdWebhooks"/>.
/// </summary>
public sealed class UssdSessionTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237699000001";
    private readonly string _session = "ATUid_" + Guid.NewGuid().ToString("N");

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private async Task<HttpResponseMessage> PostAsync(string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/ussd")
        {
            Content = new FormUrlEncodedContent([
                new("sessionId", _session), new("serviceCode", "*384*1234#"), new("phoneNumber", Phone),
                new("networkCode", "62401"), new("text", text)]),
        };
        request.Headers.Add("X-Ussd-Secret", TwilioApiFactory.UssdSecret);
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
        var preview = StudioSteps.NeedsPreview(language);
        if (preview)
        {
            await StudioSteps.PreviewAsync(Client, Phone);
        }
        Assert.Equal("CON " + StudioSteps.Menu(Texts, Language.English, preview), await ScreenAsync(""));
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
