using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Accounts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Ussd;
using static Microsoft.Playwright.Assertions;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// The language studio in Chromium: a translator writes the Duala rating prompt with the on-screen
/// letters and the live checks, a second translator approves it, the admin sets Duala live for SMS,
/// and a simulated patient gets the text; the page on a phone in French; the JS segment counter.
/// </summary>
public sealed partial class StudioPageTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>, IAsyncLifetime
{
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    private async Task<IPage> OpenAsync(string path, int width = 1100, int height = 900)
    {
        // Script errors and Content-Security-Policy violations fail the test; the 401 before signing in and the refusals the test provokes are expected.
        var page = await factory.NewPageAsync(width, height, errors: _errors, expected: BrowserAppFactory.Statuses(400, 401, 403, 409));
        await page.GotoAsync(path);
        return page;
    }

    [GeneratedRegex("status of (400|401|403|409)")]
    private static partial Regex ExpectedStatus();

    private static ILocator Check(IPage page, string name) => page.Locator($"#checks [data-check={name}]");

    private static async Task OpenKeyAsync(IPage page, string language, string key)
    {
        await page.Locator("#language").SelectOptionAsync(language);
        await page.Locator($"#keys button[data-key={key}]").ClickAsync();
        await Expect(page.Locator("#editor-key")).ToHaveTextAsync(key);
    }

    [Fact]
    public async Task A_text_opened_while_the_list_of_texts_reloads_stays_open()
    {
        // Seen in a run: the page's own first load and the test's pick of Duala both reload the list; the person opened a
        // text between them, and the second list's arrival closed the editor, so "Approve draft" was gone.
        await Staff.CreateAsync(factory.Services, "eyoum@hospital.cm", "translator");
        var page = await OpenAsync("/studio");
        await BrowserAppFactory.SignInAsync(page, "eyoum@hospital.cm", "/studio");
        var key = page.Locator("#keys button[data-key=AskRating]");
        await Expect(key).ToBeVisibleAsync();

        // The next Duala list is held back until the person has opened a text.
        var requested = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/api/v1/studio/texts/dua", async route =>
        {
            requested.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });
        await page.Locator("#language").SelectOptionAsync("dua");
        await requested.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await key.ClickAsync();
        await Expect(page.Locator("#editor-key")).ToHaveTextAsync("AskRating");

        var listed = page.WaitForResponseAsync(response => response.Url.EndsWith("/api/v1/studio/languages", StringComparison.Ordinal));
        release.SetResult();
        await listed; // the list has arrived and been shown: the page asks for the languages after it

        await Expect(page.Locator("#editor")).ToBeVisibleAsync();
        await Expect(page.Locator("#editor-key")).ToHaveTextAsync("AskRating");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save draft" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_translator_writes_the_duala_rating_prompt_a_second_approves_it_the_admin_sets_duala_live_and_a_patient_gets_it()
    {
        await Staff.CreateAsync(factory.Services, "ekwalla@hospital.cm", "translator");
        await Staff.CreateAsync(factory.Services, "ndedi@hospital.cm", "translator");
        await Staff.CreateAsync(factory.Services, "mbappe@hospital.cm", "admin");
        const string written = "Test: ɓwam? 1 … 5";

        // The first translator writes the prompt, with a letter from the on-screen row.
        var page = await OpenAsync("/studio");
        await BrowserAppFactory.SignInAsync(page, "ekwalla@hospital.cm", "/studio");
        await OpenKeyAsync(page, "dua", "AskRating");
        await Expect(page.Locator("#source-en")).ToHaveTextAsync(factory.Services.GetRequiredService<PatientTexts>().FromResources("AskRating", Language.English));
        await page.Locator("#text").FillAsync("");
        await page.Locator("#text").PressSequentiallyAsync("Test: ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Insert ɓ", Exact = true }).ClickAsync();
        await page.Locator("#text").PressSequentiallyAsync("wam? 1 … 5");
        await Expect(page.Locator("#text")).ToHaveValueAsync(written);
        await Expect(Check(page, "sms")).ToHaveTextAsync("✓ SMS: 1 segment, UCS-2, 17 units");
        await Expect(Check(page, "placeholders")).ToHaveClassAsync(new Regex(@"\bok\b"));
        await Expect(page.Locator("#preview .bubble")).ToHaveTextAsync(written);

        // A placeholder the English does not have is refused while typing: no saving.
        await page.Locator("#text").PressSequentiallyAsync(" {0}");
        await Expect(Check(page, "placeholders")).ToHaveClassAsync(new Regex(@"\bbad\b"));
        await Expect(Check(page, "placeholders")).ToContainTextAsync("not in the English {0}");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save draft" })).ToBeDisabledAsync();

        // A text that needs two segments is warned about.
        await page.Locator("#text").FillAsync(written + new string('a', 71 - written.Length));
        await Expect(Check(page, "sms")).ToHaveClassAsync(new Regex(@"\bwarn\b"));
        await Expect(Check(page, "sms")).ToContainTextAsync("SMS: 2 segments, UCS-2, 71 units —");

        await page.Locator("#text").FillAsync(written);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save draft" })).ToBeEnabledAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.Locator("#editor-message")).ToContainTextAsync("Draft saved");
        await Expect(page.Locator("#editor-status")).ToContainTextAsync("Draft by");
        await Expect(page.Locator("#keys button[data-key=AskRating] .badge")).ToHaveTextAsync("draft");
        // Its author cannot approve it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve draft" }).ClickAsync();
        await Expect(page.Locator("#editor-message")).ToContainTextAsync("You wrote this draft");
        await page.Context.CloseAsync();

        // A second translator approves it.
        var second = await OpenAsync("/studio");
        await BrowserAppFactory.SignInAsync(second, "ndedi@hospital.cm", "/studio");
        await OpenKeyAsync(second, "dua", "AskRating");
        await Expect(second.Locator("#text")).ToHaveValueAsync(written);
        await second.GetByRole(AriaRole.Button, new() { Name = "Approve draft" }).ClickAsync();
        await Expect(second.Locator("#editor-message")).ToContainTextAsync("Approved");
        await Expect(second.Locator("#editor-status")).ToContainTextAsync("Approved by");
        await second.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        await Expect(second.Locator("#history li")).ToHaveCountAsync(2);
        await Expect(second.Locator("#history li").First).ToContainTextAsync("Approved by");
        await second.Context.CloseAsync();

        // The admin cannot set Duala live for SMS while other texts wait; once they are approved, can.
        var admin = await OpenAsync("/studio");
        await BrowserAppFactory.SignInAsync(admin, "mbappe@hospital.cm", "/studio");
        await admin.Locator("#language").SelectOptionAsync("dua");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Set live on SMS" }).ClickAsync();
        await Expect(admin.Locator("#live-message")).ToContainTextAsync("Not set live on SMS");
        await ApproveTheRestForSmsAsync("dua");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Set live on SMS" }).ClickAsync();
        await Expect(admin.Locator("#live-message")).ToContainTextAsync("now live on SMS");
        await Expect(admin.Locator("#coverage tr", new() { HasText = "SMS" })).ToContainTextAsync("100 %");
        await Expect(admin.Locator("#coverage tr", new() { HasText = "SMS" }).Locator(".badge")).ToHaveTextAsync("live");

        // A patient on the simulator picks Duala and gets the approved text.
        await admin.GotoAsync("/simulator");
        await admin.GetByLabel("Patient's number").FillAsync("+237000000101");
        await admin.Locator("#text").FillAsync("hello");
        await admin.Locator("#text").PressAsync("Enter");
        var menu = admin.Locator("#screen .bubble.out").Last;
        await Expect(menu).ToContainTextAsync("Duálá");
        var digit = DualaOption().Match(await menu.InnerTextAsync()).Groups[1].Value;
        await admin.Locator("#text").FillAsync(digit);
        await admin.Locator("#text").PressAsync("Enter");
        await Expect(admin.Locator("#screen .bubble.out").Last).ToContainTextAsync(written);
        await admin.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("studio-simulator-duala"), FullPage = true });

        // The studio on a phone, in French.
        await admin.GotoAsync("/studio");
        await admin.SetViewportSizeAsync(390, 844);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Studio des langues" })).ToBeVisibleAsync();
        await admin.Locator("#keys button[data-key=AskRating]").ClickAsync();
        await Expect(admin.Locator("#editor-status")).ToContainTextAsync("Approuvé par");
        await Expect(admin.Locator("#editor-purpose")).ToHaveTextAsync("Demande la note des soins, de 1 à 5, par SMS/WhatsApp.");
        await Expect(admin.Locator("#keys button[data-key=Words_Yes] .key-purpose")).ToContainTextAsync("Mots qu'un patient peut taper pour oui");
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Insérer ɓ", Exact = true })).ToBeVisibleAsync();
        // Counts in the singular or the plural, never "segment(s)" or "numéro(s)".
        await Expect(Check(admin, "sms")).ToHaveTextAsync("✓ SMS : 1 segment, UCS-2, 17 unités");
        await admin.GetByLabel("Numéros", new() { Exact = true }).FillAsync("+237690000042 Ewane");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les numéros" }).ClickAsync();
        await Expect(admin.Locator("#numbers-message")).ToHaveTextAsync("1 numéro d'essai enregistré.");
        await admin.GetByLabel("Numéros", new() { Exact = true }).FillAsync("+237690000042 Ewane\n+237690000043 Ngo Bassa");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les numéros" }).ClickAsync();
        await Expect(admin.Locator("#numbers-message")).ToHaveTextAsync("2 numéros d'essai enregistrés.");
        var overflow = await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the studio scrolls sideways on a phone");
        await admin.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("studio-fr-phone"), FullPage = true });
        await admin.Context.CloseAsync();
    }

    public static TheoryData<int, string, string> PhoneWidths => new()
    {
        { 360, "fr", "Approuvés" }, { 390, "fr", "Approuvés" }, { 360, "en", "Approved" }, { 390, "en", "Approved" },
    };

    [Theory]
    [MemberData(nameof(PhoneWidths))]
    public async Task On_a_phone_the_coverage_shows_each_count_beside_its_heading_breaks_lines_only_between_words_and_fits_the_screen(
        int width, string language, string approved)
    {
        // An admin: the widest coverage, with a "set live" button for each channel.
        await Staff.CreateAsync(factory.Services, "mbappe@hospital.cm", "admin");
        var page = await OpenAsync("/studio", width, 844);
        await BrowserAppFactory.SignInAsync(page, "mbappe@hospital.cm", "/studio");
        await page.EvaluateAsync("lang => localStorage.setItem('tf_lang', lang)", language);
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(page.Locator("#coverage tr")).ToHaveCountAsync(TextChannels.All.Count);
        await Expect(page.Locator("#coverage button.link").First).ToBeVisibleAsync();
        var sms = page.Locator("#coverage tr", new() { HasText = "SMS" });
        await Expect(sms.Locator(".cell-label").Nth(1)).ToBeVisibleAsync();
        await Expect(sms.Locator("td").Nth(2)).ToHaveTextAsync(approved + "0 %");
        await page.Locator(".coverage").ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath($"studio-coverage-{language}-{width}") });
        // Each word shown stands on one line ("Approuv/és" is a word broken in two), inside the card.
        var wrong = await page.EvaluateAsync<string[]>("""
            () => {
                const card = document.querySelector(".coverage").closest(".card").getBoundingClientRect(), wrong = [];
                const walker = document.createTreeWalker(document.querySelector(".coverage"), NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (!node.parentElement.checkVisibility()) continue;
                    for (const match of node.data.matchAll(/\S+/g)) {
                        const range = document.createRange();
                        range.setStart(node, match.index);
                        range.setEnd(node, match.index + match[0].length);
                        const rects = [...range.getClientRects()].filter(r => r.width > 0);
                        if (new Set(rects.map(r => Math.round(r.top))).size > 1) wrong.push("broken: " + match[0]);
                        if (rects.some(r => r.right > card.right + 0.5)) wrong.push("outside the card: " + match[0]);
                    }
                }
                return wrong;
            }
            """);
        Assert.True(wrong.Length == 0, $"at {width} px in {language}: {string.Join(" | ", wrong)}");
        await AccountBrowser.AssertNoSidewaysScrollAsync(page, $"the studio at {width} px in {language}");
        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"(\d)\D{0,3}Duálá")]
    private static partial Regex DualaOption();

    /// <summary>Every other SMS text of the language, written by one translator (its French text) and approved by an admin, through the API.</summary>
    private async Task ApproveTheRestForSmsAsync(string language)
    {
        using var writer = factory.SocketClient(AppFactory.Token("translator", "Ebenye Writer"));
        using var reviewer = factory.SocketClient(AppFactory.Token("admin", "Esaka Reviewer"));
        var items = await writer.GetFromJsonAsync<JsonElement>($"/api/v1/studio/texts/{language}");
        foreach (var item in items.EnumerateArray())
        {
            var key = item.GetProperty("key").GetString()!;
            if (item.TryGetProperty("approved", out _) || !item.GetProperty("channels").EnumerateArray().Any(c => c.GetString() == "sms"))
            {
                continue;
            }
            var saved = await writer.PutAsJsonAsync($"/api/v1/studio/texts/{language}/{key}", new { text = item.GetProperty("french").GetString() });
            Assert.True(saved.IsSuccessStatusCode, $"{key}: {saved.StatusCode} {await saved.Content.ReadAsStringAsync()}");
            var draft = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("draft").GetProperty("id");
            var approved = await reviewer.PostAsJsonAsync($"/api/v1/studio/texts/{language}/{key}/approve", new { draft_id = draft });
            Assert.True(approved.IsSuccessStatusCode, $"{key}: {approved.StatusCode} {await approved.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task A_translator_imports_a_spreadsheet_from_the_page_and_sees_the_report()
    {
        await Staff.CreateAsync(factory.Services, "ekwalla@hospital.cm", "translator");
        var page = await OpenAsync("/studio", 390, 844);
        await BrowserAppFactory.SignInAsync(page, "ekwalla@hospital.cm", "/studio");
        await page.Locator("#language").SelectOptionAsync("ewo");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download spreadsheet (.xlsx)" })).ToHaveAttributeAsync("href", "/api/v1/studio/export/ewo.xlsx?ui=en");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" })).ToHaveAttributeAsync("href", "/api/v1/studio/export/ewo.csv?ui=en");
        // In French, the spreadsheet's notes come in French.
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Télécharger le tableur (.xlsx)" })).ToHaveAttributeAsync("href", "/api/v1/studio/export/ewo.xlsx?ui=fr");
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download CSV" })).ToHaveAttributeAsync("href", "/api/v1/studio/export/ewo.csv?ui=en");
        await page.GetByLabel("Spreadsheet to import (.xlsx or .csv)").SetInputFilesAsync(new FilePayload
        {
            Name = "ewo.csv",
            MimeType = "text/csv",
            Buffer = System.Text.Encoding.UTF8.GetBytes("key,current text\r\nWords_No,tɛgɛ\r\nNoSuchKey,abc\r\n"),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import as drafts" }).ClickAsync();
        await Expect(page.Locator("#import-report")).ToContainTextAsync("Imported as drafts: 1");
        await Expect(page.Locator("#import-report")).ToContainTextAsync("Row 3 (NoSuchKey)");
        await Expect(page.Locator("#keys button[data-key=Words_No] .badge")).ToHaveTextAsync("draft");

        // Something else than a spreadsheet: the page says so.
        await page.GetByLabel("Spreadsheet to import (.xlsx or .csv)").SetInputFilesAsync(new FilePayload { Name = "photo.png", MimeType = "image/png", Buffer = [0x89, 0x50, 0x4E, 0x47, 0, 1, 2] });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import as drafts" }).ClickAsync();
        await Expect(page.Locator("#import-report")).ToContainTextAsync("Import refused: The file is neither an XLSX spreadsheet nor a CSV");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_signed_out_visitor_is_sent_to_sign_in_and_staff_without_the_translator_role_see_no_access()
    {
        await Staff.CreateAsync(factory.Services, "nurse@hospital.cm", "staff");
        var page = await OpenAsync("/studio");
        await BrowserAppFactory.SignInAsync(page, "nurse@hospital.cm", "/account/denied");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "No access" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_language_menu_that_overflows_a_USSD_screen_only_once_its_languages_are_listed_is_refused_on_the_page_as_by_the_server()
    {
        await Staff.CreateAsync(factory.Services, "ekwalla@hospital.cm", "translator");
        var page = await OpenAsync("/studio");
        await BrowserAppFactory.SignInAsync(page, "ekwalla@hospital.cm", "/studio");
        await OpenKeyAsync(page, "dua", MessageKeys.LanguageMenu);

        // 150 characters as typed; the patient gets 192: {0} is every language, one per line.
        var typed = "Language? {0} " + new string('a', 136);
        var whole = typed.Replace("{0}", PatientTexts.MenuLines(Languages.All), StringComparison.Ordinal);
        Assert.True(typed.Length <= UssdEndpoints.MaxScreenLength && whole.Length > UssdEndpoints.MaxScreenLength);
        await page.Locator("#text").FillAsync(typed);
        await Expect(Check(page, "ussd")).ToHaveClassAsync(new Regex(@"\bbad\b"));
        await Expect(Check(page, "ussd")).ToContainTextAsync($"USSD screen: {whole.Length}/{UssdEndpoints.MaxScreenLength} characters — too long for one screen");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save draft" })).ToBeDisabledAsync();
        await Expect(page.Locator("#preview .ussd-screen")).ToContainTextAsync("5 Ewondo"); // the screen as the patient sees it
        using var translator = factory.SocketClient(AppFactory.Token("translator", "Ebenye Writer"));
        var refused = await translator.PutAsJsonAsync($"/api/v1/studio/texts/dua/{MessageKeys.LanguageMenu}", new { text = typed });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"Too long for a USSD screen: {whole.Length} characters", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The menu's own names (ç, á, Ɓ) make it UCS-2: two SMS parts hold 134 units, fewer than a USSD screen. One more is
        // refused on the page as by the server; at 134 it is saved.
        var menu = PatientTexts.MenuLines(Languages.All).Length;
        var tooLong = "Language? {0} " + new string('a', 135 - menu - 11);
        await page.Locator("#text").FillAsync(tooLong);
        await Expect(Check(page, "ussd")).ToHaveClassAsync(new Regex(@"\bok\b"));
        await Expect(Check(page, "sms")).ToHaveClassAsync(new Regex(@"\bbad\b"));
        await Expect(Check(page, "sms")).ToContainTextAsync("SMS: 3 segments, UCS-2, 135 units — too long: at most 2 messages");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save draft" })).ToBeDisabledAsync();
        refused = await translator.PutAsJsonAsync($"/api/v1/studio/texts/dua/{MessageKeys.LanguageMenu}", new { text = tooLong });
        Assert.Contains("Too long for SMS: 3 segments (UCS-2, 135 units)", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await page.Locator("#text").FillAsync(tooLong[..^1]);
        await Expect(Check(page, "sms")).ToHaveClassAsync(new Regex(@"\bwarn\b"));
        await Expect(Check(page, "ussd")).ToContainTextAsync($"USSD screen: 134/{UssdEndpoints.MaxScreenLength} characters");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(page.Locator("#editor-message")).ToContainTextAsync("Draft saved");
        await page.Context.CloseAsync();
    }

    public static TheoryData<string, string> SegmentTexts => new()
    {
        { "empty", "" },
        { "160 GSM-7", new string('a', 160) },
        { "161 GSM-7", new string('a', 161) },
        { "306 GSM-7", new string('b', 306) },
        { "307 GSM-7", new string('b', 307) },
        { "80 euro signs", new string('€', 80) },
        { "80 euro signs and one more", new string('€', 80) + "a" },
        { "every extension character", "^{}\\[~]|€\f" },
        { "accents GSM-7 has", "Répondez à l'hôpital: é è ù ì ò Ç Ø å Ä Ö Ñ Ü ß" },
        { "line breaks", "Language?\r\n1 English\n2 Français" },
        { "70 UCS-2", "ɓ" + new string('a', 69) },
        { "71 UCS-2", "ɓ" + new string('a', 70) },
        { "134 UCS-2", "ɛ" + new string('a', 133) },
        { "135 UCS-2", "ɛ" + new string('a', 134) },
        { "ç is not GSM-7", "Reçu" },
        { "circumflex", "Na sôm!" },
        { "an emoji is two units", "Merci 😀" + new string('a', 62) },
        { "tone marks", "kɛ́m ŋ̀ŋ̂ ɓwǎm̀" },
    };

    [Fact]
    public async Task The_page_counts_sms_segments_and_encoding_as_SmsSegments_does()
    {
        await Staff.CreateAsync(factory.Services, "ekwalla@hospital.cm", "translator");
        var page = await OpenAsync("/account/signin?returnUrl=%2Fstudio");
        await BrowserAppFactory.SignInAsync(page, "ekwalla@hospital.cm", "/studio");
        var texts = SegmentTexts.Select(row => (string)row[1]).ToArray();
        // The page's scripts are deferred: arriving at the page does not mean they have run (seen once under load).
        await page.WaitForFunctionAsync("() => typeof window.TF_SMS !== 'undefined'");
        var counted = await page.EvaluateAsync<JsonElement>("texts => texts.map(t => TF_SMS.cost(t))", texts);
        var rows = SegmentTexts.Select(row => (string)row[0]).ToArray();
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = SmsSegments.Count(texts[i]);
            var js = counted[i];
            Assert.True(
                js.GetProperty("encoding").GetString() == (expected.Encoding == SmsEncoding.Gsm7 ? "GSM-7" : "UCS-2")
                    && js.GetProperty("units").GetInt32() == expected.Units && js.GetProperty("segments").GetInt32() == expected.Segments,
                $"{rows[i]}: C# {expected}, JS {js}");
        }
        Assert.Contains(texts.Select(SmsSegments.Count), c => c.Segments == 3); // the table reaches past two parts
        await page.Context.CloseAsync();
    }
}
