using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.TwilioSetup;
using static Microsoft.Playwright.Assertions;

namespace TwilioFeedback.Tests.Web;

/// <summary>
/// A member of staff in Chromium: signs in, talks to the server through the simulator by SMS, by a
/// call on the keypad and by USSD, then finds the three feedbacks on the dashboard.
/// </summary>
public sealed class SimulatorBrowserTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>, IAsyncLifetime
{
    private PatientTexts Texts => factory.Services.GetRequiredService<PatientTexts>();

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    private async Task<IPage> OpenAsync(string path, int width = 1100, int height = 900)
    {
        // Script errors and Content-Security-Policy violations fail the test; the 401 before signing in is expected.
        var page = await factory.NewPageAsync(width, height, errors: _errors, expected: BrowserAppFactory.Statuses(401));
        await page.GotoAsync(path);
        return page;
    }

    private readonly System.Collections.Concurrent.ConcurrentBag<string> _errors = [];

    /// <summary>Signs in through the sign-in page the simulator sends a signed-out visitor to, and comes back.</summary>
    private async Task SignInAsync(IPage page, string back, string role = "staff")
    {
        var email = role == "staff" ? "ekwalla@hospital.cm" : role + "@hospital.cm";
        await Accounts.Staff.CreateAsync(factory.Services, email, role);
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account/signin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Accounts.Staff.Password);
        var returned = BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == back);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Back on the page, or the sign-in page's own answer, whichever comes: a refusal fails with what the page said. An
        // expired form is not retried: its cause (two sign-in pages served at once, SignedOutScriptTests) is fixed.
        var refused = page.GetByRole(AriaRole.Alert).WaitForAsync();
        var expired = page.GetByRole(AriaRole.Heading, new() { Name = "Form expired" }).WaitForAsync();
        var first = await Task.WhenAny(returned, refused, expired);
        if (first != returned && !returned.IsCompleted)
        {
            Assert.Fail(first == expired ? "the sign-in form expired" : "sign-in refused: " + await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        }
        await returned;
    }

    private static ILocator LastReceived(IPage page) => page.Locator("#screen .bubble.out").Last;

    private static async Task TypeAsync(IPage page, string text)
    {
        await page.Locator("#text").FillAsync(text);
        await page.Locator("#text").PressAsync("Enter");
    }

    [Fact]
    public async Task Staff_drive_an_sms_conversation_a_keypad_call_and_a_ussd_session_and_see_the_feedback_on_the_dashboard()
    {
        var page = await OpenAsync("/simulator");
        await SignInAsync(page, "/simulator");

        // SMS: each answer shows its segments, encoding and estimated cost.
        await page.GetByLabel("Patient's number").FillAsync("+237000000101");
        await TypeAsync(page, "hello");
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get(MessageKeys.LanguageMenu, Language.English).Split('\n')[0]);
        await Expect(LastReceived(page).Locator(".meta")).ToContainTextAsync("1 segment · UCS-2 · "); // one in the singular, not "segment(s)"
        await Expect(LastReceived(page).Locator(".meta")).ToContainTextAsync("USD");
        await TypeAsync(page, "1");
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get(MessageKeys.AskRating, Language.English));
        await TypeAsync(page, "4");
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get(MessageKeys.AskComment, Language.English));
        await TypeAsync(page, "The nurses were kind");
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get(MessageKeys.Thanks, Language.English));
        await Expect(page.Locator("#total")).ToContainTextAsync("Estimated cost so far: 0.200 USD");
        await Expect(page.Locator("#availability")).ToBeHiddenAsync(); // this server signs and has USSD
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("simulator-sms"), FullPage = true });

        // Voice: call, choose French by keypad, rate 2, skip the spoken comment.
        await page.GetByLabel("Voice call").CheckAsync();
        await page.GetByLabel("Patient's number").FillAsync("+237000000102");
        await page.GetByRole(AriaRole.Button, new() { Name = "Call", Exact = true }).ClickAsync();
        await Expect(page.Locator("#screen")).ToContainTextAsync("For English, press 1.");
        await Expect(page.Locator("#screen")).ToContainTextAsync("Pour le français, appuyez sur 2.");
        await Expect(page.Locator("#screen .bubble.note").Last).ToHaveTextAsync("Waiting for 1 key…");
        await page.GetByRole(AriaRole.Button, new() { Name = "2", Exact = true }).ClickAsync();
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get("Voice_AskRating", Language.French));
        await page.GetByRole(AriaRole.Button, new() { Name = "2", Exact = true }).ClickAsync();
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get("Voice_AskComment", Language.French));
        await Expect(page.Locator("#screen .bubble.note").Last).ToContainTextAsync("press # to finish, * to skip");
        await page.GetByRole(AriaRole.Button, new() { Name = "*", Exact = true }).ClickAsync();
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get("Voice_Thanks", Language.French));
        await Expect(page.Locator("#screen .bubble.note").Last).ToHaveTextAsync("Call ended");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Call", Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("simulator-voice"), FullPage = true });

        // A second call, hung up at the menu: the server hears Twilio's "completed" callback.
        await page.GetByRole(AriaRole.Button, new() { Name = "Call", Exact = true }).ClickAsync();
        await Expect(page.Locator("#screen .bubble.note").Last).ToHaveTextAsync("Waiting for 1 key…");
        await page.GetByRole(AriaRole.Button, new() { Name = "Hang up", Exact = true }).ClickAsync();
        await Expect(page.Locator("#screen .bubble.note").Last).ToHaveTextAsync("Call ended");
        await using (var db = factory.Db())
        {
            Assert.Equal(["completed"], await db.ProviderEvents.Where(e => e.Kind == "call").Select(e => e.Status).ToListAsync());
        }

        // USSD: dial, choose English, rate 5, leave a comment.
        await page.GetByLabel("USSD").CheckAsync();
        await page.GetByLabel("Patient's number").FillAsync("+237000000103");
        await page.GetByRole(AriaRole.Button, new() { Name = "Dial *384#" }).ClickAsync();
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get(MessageKeys.LanguageMenu, Language.English).Split('\n')[0]);
        await TypeAsync(page, "1");
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get("Ussd_AskRating", Language.English).Split('\n')[0]);
        await TypeAsync(page, "5");
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get("Ussd_AskComment", Language.English).Split('\n')[0]);
        await TypeAsync(page, "Clean rooms");
        await Expect(LastReceived(page)).ToContainTextAsync(Texts.Get(MessageKeys.Thanks, Language.English));
        await Expect(page.Locator("#screen .bubble.note").Last).ToHaveTextAsync("Session ended");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("simulator-ussd"), FullPage = true });

        await using (var db = factory.Db())
        {
            var stored = await db.Feedbacks.OrderBy(f => f.Id).Select(f => new { f.Channel, f.Rating, f.Language }).ToListAsync();
            Assert.Equal([("sms", 4, "en"), ("voice", 2, "fr"), ("ussd", 5, "en")], stored.Select(f => (f.Channel, f.Rating, f.Language)));
        }

        // The dashboard, in the same tab: the token is still in sessionStorage.
        await page.GotoAsync("/dashboard");
        await Expect(page.Locator("#kpi-count")).ToHaveTextAsync("3");
        await Expect(page.Locator("#kpi-average")).ToContainTextAsync("3.67");
        await Expect(page.Locator("#chart-channel")).ToContainTextAsync("SMS");
        await Expect(page.Locator("#chart-channel")).ToContainTextAsync("Voice");
        await Expect(page.Locator("#chart-channel")).ToContainTextAsync("USSD");
        await Expect(page.Locator("#chart-language")).ToContainTextAsync("French");
        await Expect(page.Locator("#latest")).ToContainTextAsync("The nurses were kind");
        await Expect(page.Locator("#latest")).ToContainTextAsync("Clean rooms");
        await Expect(page.Locator("#chart-days svg rect")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("dashboard-en"), FullPage = true });

        // French, on a phone's screen.
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tableau de bord des avis" })).ToBeVisibleAsync();
        await Expect(page.Locator("#chart-language")).ToContainTextAsync("Français");
        await Expect(page.Locator("#chart-channel")).ToContainTextAsync("Voix");
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the dashboard scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("dashboard-fr-phone"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_sees_on_the_dashboard_that_Twilio_reaches_the_server_and_can_compare_the_number()
    {
        factory.TwilioApi.Account(TwilioStub.Number("https://old-server.example.org")); // the number still points elsewhere
        using var twilio = factory.SocketClient();
        Assert.True((await twilio.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690000777", "hello"))).IsSuccessStatusCode);
        var page = await OpenAsync("/dashboard");
        await SignInAsync(page, "/dashboard", "admin");

        var block = page.Locator("#twilio-admin");
        await Expect(block).ToBeVisibleAsync();
        await Expect(page.Locator("#twilio-sightings")).ToContainTextAsync("valid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare with Twilio" }).ClickAsync();
        await Expect(page.Locator("#twilio-number-message")).ToContainTextAsync("Some settings differ");
        await Expect(page.Locator("#twilio-settings")).ToContainTextAsync("https://old-server.example.org/twilio/sms");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Apply" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_recorded_prompt_plays_in_an_audio_player_on_the_simulated_call()
    {
        await Voice.ApprovedPrompts.AddAsync(factory, "en", "Voice_LanguageOption", Voice.Tones.Wav(440, 1.0));
        var page = await OpenAsync("/simulator", 390, 844);
        await SignInAsync(page, "/simulator");
        await page.GetByLabel("Voice call").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Call", Exact = true }).ClickAsync();
        await Expect(page.Locator("#screen audio")).ToHaveAttributeAsync("src", "/prompts/en/Voice_LanguageOption");
        await Expect(page.Locator("#screen")).ToContainTextAsync("Plays a recording");
        await Expect(page.Locator("#screen")).ToContainTextAsync("Pour le français, appuyez sur 2.");
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the simulator scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("simulator-voice-prompt-phone"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_voice_comment_on_the_dashboard_plays_with_the_staff_token()
    {
        await using (var db = factory.Db())
        {
            var cipher = factory.Services.GetRequiredService<TwilioFeedback.Persistence.Privacy.DataCipher>();
            var wav = Voice.Tones.Wav(300, 0.3);
            var now = AppFactory.Start;
            db.Feedbacks.Add(new TwilioFeedback.Persistence.Feedback
            {
                Patient = new TwilioFeedback.Persistence.Patient { ExternalId = "P-voice", CreatedAt = now, UpdatedAt = now },
                Rating = 2, Language = "fr", Channel = "voice", DateSubmitted = now,
                VoiceRecording = new TwilioFeedback.Persistence.VoiceRecording
                {
                    Status = TwilioFeedback.Persistence.RecordingStatus.Stored, ContentType = "audio/wav", Data = cipher.Encrypt(wav), KeyId = cipher.ActiveKeyId,
                    SizeBytes = wav.Length, Source = "call", CreatedAt = now, StoredAt = now,
                },
            });
            await db.SaveChangesAsync();
        }
        var page = await OpenAsync("/dashboard", 390, 844);
        await SignInAsync(page, "/dashboard");
        var play = page.GetByRole(AriaRole.Button, new() { Name = "▶ Play" });
        await play.ClickAsync();
        await Expect(page.Locator("#latest audio")).ToHaveCountAsync(1);
        await Expect(page.Locator("#latest audio")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^blob:"));
        await page.Context.CloseAsync();
    }
}
