using System.Net.Http.Json;
using System.Net;
using System.Xml.Linq;
using Microsoft.Playwright;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Accounts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Voice;
using static Microsoft.Playwright.Assertions;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// The recording page in Chromium with a fake microphone: a translator records the Duala rating prompt,
/// listens and submits; cannot approve it herself; a second translator listens and approves; a call in
/// Duala then plays that take, trimmed and levelled.
/// </summary>
public sealed class RecordingBrowserTests(RecordingBrowserFactory factory) : IClassFixture<RecordingBrowserFactory>, IAsyncLifetime
{
    private const string Key = "Voice_AskRating";
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    /// <summary>Opens the page signed out, signs in on the page it is sent to, and comes back to it.</summary>
    private async Task<IPage> SignedInAsync(string email, string path, int width = 390, int height = 844)
    {
        // The 401 before signing in, and the refusals the page itself shows (400, 403), are expected.
        var page = await factory.NewPageAsync(width, height, errors: _errors, expected: BrowserAppFactory.Statuses(400, 401, 403));
        await page.GotoAsync(path);
        await BrowserAppFactory.SignInAsync(page, email, url => url.PathAndQuery == path);
        return page;
    }

    private static Task PlayedAsync(ILocator audio) =>
        audio.EvaluateAsync("a => a.play().then(() => new Promise(resolve => { const check = () => a.currentTime > 0 ? resolve() : requestAnimationFrame(check); check(); }))");

    /// <summary>Records at least 4 s from the fake microphone on <paramref name="key"/>'s card and stops: the take is shown.</summary>
    private static async Task RecordAsync(IPage page, ILocator card, string key)
    {
        await card.GetByRole(AriaRole.Button, new() { Name = "Record", Exact = true }).ClickAsync();
        await card.Locator(".elapsed").WaitForAsync();
        await page.WaitForFunctionAsync($"() => Number(document.querySelector('[data-key={key}] .elapsed').dataset.seconds) >= 4"); // past the lead and the tones
        await card.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
        await Expect(card.Locator(".take")).ToBeVisibleAsync();
    }

    /// <summary>
    /// The server kept the fake microphone's 1.5 s of sound and 50 ms either side (1,600 ms at 8 kHz), not the 4 s and more
    /// recorded. Under load Chromium's fake microphone repeats or drops a buffer now and then (1,700 ms once in CI), so the
    /// bound allows for one such buffer; an untrimmed take (4,000 ms and more) is far outside it.
    /// </summary>
    private static void AssertTrimmedToTheSound(float[] served) => Assert.InRange(served.Length / 8.0, 1600 - 150, 1600 + 200);

    [Fact]
    public async Task A_translator_records_the_Duala_rating_prompt_a_second_approves_it_and_a_Duala_call_plays_it()
    {
        await Staff.CreateAsync(factory.Services, "ngo@hospital.cm", "translator");
        await Staff.CreateAsync(factory.Services, "din@hospital.cm", "translator");

        var recorder = await SignedInAsync("ngo@hospital.cm", "/studio/recordings?lang=dua");
        var card = recorder.Locator($"[data-key={Key}]");
        await Expect(card).ToContainTextAsync("How was your care");
        await Expect(card).ToContainTextAsync("Comment jugez-vous vos soins");
        await Expect(card.Locator(".status")).ToHaveTextAsync("No approved recording yet.");

        await RecordAsync(recorder, card, Key);
        await card.GetByRole(AriaRole.Button, new() { Name = "Listen" }).ClickAsync();
        await recorder.WaitForFunctionAsync($"() => document.querySelector('[data-key={Key}] .take audio').currentTime > 0");

        // The page's own WAV plays back in the browser for as long as the page counted it recording (the page's CSP keeps even
        // tests from fetching its blob). The count is what the microphone delivered, so a buffer it dropped under load is in neither.
        var counted = double.Parse((await card.Locator(".elapsed").GetAttributeAsync("data-seconds"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(counted >= 4.0, $"counted {counted} s");
        Assert.InRange(await card.Locator(".take audio").EvaluateAsync<double>("a => a.duration"), counted - 0.02, counted + 0.02);

        await card.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(card.Locator(".status")).ToContainTextAsync("Waiting for review: recorded by ngo@hospital.cm");
        await Expect(card.Locator(".message")).ToHaveTextAsync("Submitted: it plays on calls once someone else approves it.");

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(card.Locator(".message")).ToHaveTextAsync("Another translator or an admin must listen to it and approve it.");
        await recorder.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("studio-recordings-draft-phone"), FullPage = true });
        await recorder.Context.CloseAsync();

        var reviewer = await SignedInAsync("din@hospital.cm", "/studio/recordings?lang=dua");
        var review = reviewer.Locator($"[data-key={Key}]");
        await PlayedAsync(review.Locator("audio.draft"));
        await review.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(review.Locator(".message")).ToHaveTextAsync("Approved: callers hear this take now.");
        await Expect(review.Locator(".status")).ToContainTextAsync("Approved: recorded by ngo@hospital.cm, approved by din@hospital.cm");
        await PlayedAsync(review.Locator("audio.approved"));

        // The admin sets Duala live for calls on the studio page once every voice prompt has an approved take (the others added through the API).
        foreach (var other in TwilioFeedback.Webhooks.Voice.PromptCatalog.Keys.Where(k => k != Key))
        {
            await ApprovedPrompts.AddAsync(factory, "dua", other, Tones.Wav(330, 1.0));
        }
        await Staff.CreateAsync(factory.Services, "ebelle@hospital.cm", "admin");
        var studio = await SignedInAsync("ebelle@hospital.cm", "/studio", 1100, 900);
        await studio.Locator("#language").SelectOptionAsync("dua");
        await studio.GetByRole(AriaRole.Button, new() { Name = "Set live on Voice" }).ClickAsync();
        await Expect(studio.Locator("#live-message")).ToContainTextAsync("is now live on Voice.");
        await studio.Context.CloseAsync();
        using var twilio = factory.CreateClient();
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        List<KeyValuePair<string, string>> Call(params (string, string)[] extra) =>
        [
            new("AccountSid", TwilioRequests.AccountSid), new("CallSid", callSid), new("CallStatus", "in-progress"), new("Direction", "inbound"),
            new("From", "+237677000001"), new("To", TwilioRequests.HospitalNumber), .. extra.Select(e => new KeyValuePair<string, string>(e.Item1, e.Item2)),
        ];
        var menu = XDocument.Parse(await (await twilio.PostTwilioAsync("/twilio/voice", Call())).Content.ReadAsStringAsync()).Root!;
        var action = menu.Element("Gather")!.Attribute("action")!.Value;
        var rating = XDocument.Parse(await (await twilio.PostTwilioAsync(action, Call(("Digits", "3")))).Content.ReadAsStringAsync()).Root!;
        var play = rating.Element("Gather")!.Element("Play")!.Value;
        Assert.Equal($"{AppFactory.PublicBaseUrl}/prompts/dua/{Key}", play);

        using var anonymous = factory.SocketClient();
        var (served, rate) = Tones.Decode(await anonymous.GetByteArrayAsync(new Uri(play).AbsolutePath));
        Assert.Equal(8000, rate);
        // The server's take is the fake microphone's 1.5 s of sound (trimmed, 50 ms kept either side) at −3 dBFS.
        var expected = RecordingBrowserFactory.Voice(8000)[(int)((RecordingBrowserFactory.Lead - 0.05) * 8000)..(int)((RecordingBrowserFactory.Lead + RecordingBrowserFactory.Sound + 0.05) * 8000)];
        AssertTrimmedToTheSound(served);
        Assert.InRange(served.Max(Math.Abs), 0.68, 0.72);
        // Chromium's fake microphone drops a buffer now and then (0.49 over the whole take once in CI), shifting the rest:
        // so each 200 ms of the take is matched on its own, and the median counts. Another take (the 330 Hz tone the other
        // prompts carry, silence, a copy shifted beyond 50 ms) is near 0.
        var correlation = Tones.WindowedCorrelation(served, expected, 1600, 400);
        Assert.True(correlation > 0.6, $"correlation {correlation:0.00}");
        await reviewer.Context.CloseAsync();
    }

    [Fact]
    public async Task The_page_is_usable_at_phone_width_in_French_and_shows_why_a_file_was_refused()
    {
        await Staff.CreateAsync(factory.Services, "ebelle@hospital.cm", "admin");
        var page = await SignedInAsync("ebelle@hospital.cm", "/studio/recordings?lang=bas");
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enregistrements des messages vocaux" })).ToBeVisibleAsync();
        await Expect(page.Locator("#summary")).ToHaveTextAsync("0 sur 9 approuvés · 0 en attente de relecture"); // redrawn in French
        var card = page.Locator("[data-key=Voice_Thanks]");
        await Expect(card.Locator(".status")).ToHaveTextAsync("Pas encore d'enregistrement approuvé.");

        await card.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "silence.wav", MimeType = "audio/wav", Buffer = Tones.Wav(440, 2.0, amplitude: 0) });
        await card.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        await Expect(card.Locator(".message")).ToHaveTextAsync("L'enregistrement est silencieux : rien n'y dépasse −40 dBFS. Vérifiez que le bon micro est choisi et qu'il n'est pas coupé, et parlez près de lui.");
        await Expect(card.Locator(".status")).ToHaveTextAsync("Pas encore d'enregistrement approuvé.");
        await Expect(card.Locator(".purpose")).ToHaveTextAsync("Remercie l'appelant avant de raccrocher.");
        await Expect(card.Locator(".speech")).ToHaveTextAsync("Twilio n'a pas de synthèse vocale pour cette langue : seul un enregistrement approuvé sert les appelants.");

        // The refusal's numbers are written the French way.
        await card.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "court.wav", MimeType = "audio/wav", Buffer = Tones.Wav(440, 0.3) });
        await card.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        await Expect(card.Locator(".message")).ToContainTextAsync("L'enregistrement est trop court :");
        await Expect(card.Locator(".message")).ToContainTextAsync("il en faut au moins 0,5 s.");

        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the recording page scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("studio-recordings-fr-phone"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_translator_records_the_Duala_feedback_invite_for_reminder_calls_and_a_template_with_values_says_it_cannot_be_recorded()
    {
        const string invite = MessageKeys.VoiceFeedbackInvite;
        await Staff.CreateAsync(factory.Services, "ngo@hospital.cm", "translator");
        await Staff.CreateAsync(factory.Services, "din@hospital.cm", "translator");

        var recorder = await SignedInAsync("ngo@hospital.cm", "/studio/recordings?lang=dua");
        await Expect(recorder.Locator("#reminders-heading")).ToHaveTextAsync("Reminder calls");
        var appointment = recorder.Locator("[data-key=Template_Appointment]");
        await Expect(appointment.Locator(".values")).ToHaveTextAsync(
            "Not recordable: this reminder carries values that change with every patient ({date}, {department}, {time}). A recording cannot say them, so calls speak its text (in French for this language).");
        await Expect(appointment.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(appointment.Locator("input[type=file]")).ToHaveCountAsync(0);

        var card = recorder.Locator($"[data-key={invite}]");
        await Expect(card).ToContainTextAsync("Thank you for your visit. How was your care? Press a key from 1 for very bad to 5 for very good.");
        await Expect(card.Locator(".speech")).ToHaveTextAsync("No speech synthesis for this language: without an approved take, reminder calls speak the French text.");
        await Expect(card.Locator(".status")).ToHaveTextAsync("No approved recording yet.");
        await RecordAsync(recorder, card, invite);
        await card.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await Expect(card.Locator(".status")).ToContainTextAsync("Waiting for review: recorded by ngo@hospital.cm");
        // The call's own prompts are what a language needs to go live on calls: the summary counts them alone.
        await Expect(recorder.Locator("#summary")).ToHaveTextAsync("0 of 9 approved · 1 waiting for review");
        await recorder.Context.CloseAsync();

        var reviewer = await SignedInAsync("din@hospital.cm", "/studio/recordings?lang=dua");
        var review = reviewer.Locator($"[data-key={invite}]");
        await PlayedAsync(review.Locator("audio.draft"));
        await review.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(review.Locator(".message")).ToHaveTextAsync("Approved: callers hear this take now.");
        await Expect(review.Locator(".status")).ToContainTextAsync("Approved: recorded by ngo@hospital.cm, approved by din@hospital.cm");
        await reviewer.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("studio-recordings-reminders-phone"), FullPage = true });
        var overflow = await reviewer.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the recording page scrolls sideways on a phone");
        await reviewer.Context.CloseAsync();

        // What a call plays: the take is served to Twilio at the prompt's public address.
        using var anonymous = factory.SocketClient();
        var (served, rate) = Tones.Decode(await anonymous.GetByteArrayAsync($"/prompts/dua/{invite}"));
        Assert.Equal(8000, rate);
        AssertTrimmedToTheSound(served);
    }
}
