using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using static Microsoft.Playwright.Assertions;

namespace TwilioFeedback.Tests.Inbox;

/// <summary>
/// A member of staff in Chromium works the inbox: plays a Duala voice comment, transcribes and
/// translates it, answers the patient (who gets an SMS at the stubbed Twilio API) and marks it handled.
/// </summary>
public sealed class InboxBrowserTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>, IAsyncLifetime
{
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    private async Task<IPage> OpenAsync(string path, int width)
    {
        var page = await factory.NewPageAsync(width, errors: _errors, expected: BrowserAppFactory.Statuses(401));
        await page.GotoAsync(path);
        return page;
    }

    private async Task<bool> ReplySentAsync()
    {
        await using var db = factory.Db();
        return await db.Reminders.AnyAsync(r => r.Kind == "inbox_reply" && r.Status == TwilioFeedback.Persistence.ReminderStatus.Sent);
    }

    [Fact]
    public async Task A_staff_member_transcribes_a_Duala_voice_comment_answers_the_patient_and_marks_it_handled()
    {
        InboxRows.TwilioAccepts(factory);
        var id = await InboxRows.AddAsync(factory, 2, "dua", voice: true, channel: "voice", set: f => (f.TranscriptStatus, f.TranscriptError) =
            ("not_sent", "Spoken in 'dua', which is not in Transcription:Languages: for a person to transcribe."));
        await Accounts.Staff.CreateAsync(factory.Services, "ngo@hospital.cm", "staff");
        var page = await OpenAsync("/inbox", 1100);
        await BrowserAppFactory.SignInAsync(page, "ngo@hospital.cm", "/inbox");

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Escalations (1)" })).ToBeVisibleAsync();
        var item = page.Locator($"#items li[data-id='{id}']");
        await Expect(item.GetByText("No transcript yet.")).ToBeVisibleAsync();
        await item.GetByRole(AriaRole.Button, new() { Name = "▶ Play the recording" }).ClickAsync();
        await Expect(item.Locator("audio")).ToBeVisibleAsync();

        await item.GetByLabel("Transcript (the patient's own words)").FillAsync("Ba si bola mba bwam o sango");
        await item.GetByLabel("Translation (French or English)").FillAsync("On ne m'a pas bien soigné");
        await item.GetByRole(AriaRole.Button, new() { Name = "Save transcript" }).ClickAsync();
        await Expect(item.GetByText("Transcript confirmed by staff.")).ToBeVisibleAsync();
        await Expect(item.GetByText("Saved.")).ToBeVisibleAsync();

        // The field says what the patient gets: the hospital's greeting, then the words as typed.
        var answer = item.GetByLabel("Your answer (the patient receives the hospital's greeting, then your words exactly as you type them)");
        await Expect(answer).ToHaveAccessibleDescriptionAsync(
            "As: “Douala General Hospital, about your feedback: your words”. The greeting is in the patient's language where it is ready on this channel, else in French; your words are not translated.");
        await answer.FillAsync("Le major vous appellera demain.");
        await item.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
        await Expect(item.GetByText("Answer queued", new() { Exact = false })).ToBeVisibleAsync();
        await factory.DispatchAsync();
        // The host's own scheduled run may have claimed the row first (SKIP LOCKED): wait for whichever run took it to send it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ReplySentAsync() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(item.GetByText("sent", new() { Exact = true })).ToBeVisibleAsync();
        var (to, body) = Assert.Single(InboxRows.SentMessages(factory));
        Assert.Equal(InboxRows.Phone, to);
        // Duala is not live on SMS: the greeting in French, the words as typed.
        Assert.Equal("Hôpital Général de Douala, au sujet de votre avis : Le major vous appellera demain.", body);

        // Keyboard: the button takes the focus and Enter presses it.
        await item.GetByRole(AriaRole.Button, new() { Name = "Mark handled" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("Nothing waits for a person here.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Marked handled." })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("inbox-handled") });

        await using var db = factory.Db();
        var row = await db.Feedbacks.AsNoTracking().SingleAsync(f => f.Id == id);
        Assert.Equal(("Ba si bola mba bwam o sango", "On ne m'a pas bien soigné", "staff:ngo@hospital.cm"), (row.Transcript, row.Translation, row.TranscriptBy));
        Assert.NotNull(row.HandledAt);
    }

    [Fact]
    public async Task At_phone_width_in_French_the_inbox_fits_the_screen()
    {
        await InboxRows.AddAsync(factory, 1, "fr", "Attente trop longue, personnel impoli", set: f => (f.Sentiment, f.Topics) = ("negative", ["waiting_time", "staff_attitude"]));
        await Accounts.Staff.CreateAsync(factory.Services, "fouda@hospital.cm", "staff");
        var page = await OpenAsync("/inbox", 360);
        await BrowserAppFactory.SignInAsync(page, "fouda@hospital.cm", "/inbox");
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Boîte de réception" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Attente trop longue, personnel impoli")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Marquer comme traité" })).ToBeVisibleAsync();
        // The filters' languages and channels are named in French too.
        await Expect(page.Locator("#f-language option[value=en]")).ToHaveTextAsync("Anglais");
        await Expect(page.Locator("#f-channel option[value=voice]")).ToHaveTextAsync("Voix");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("inbox-phone-fr"), FullPage = true });
    }

    [Fact]
    public async Task Show_more_waits_for_the_list_a_filter_asked_for()
    {
        // Seen in a run: "Show more", clicked while the filtered list was on its way, continued the unfiltered list, and the
        // filtered list arriving after it replaced what it had added.
        for (var i = 0; i < 52; i++)
        {
            await InboxRows.AddAsync(factory, 1, "fr", $"Pharmacie {i}", set: f => (f.Sentiment, f.Department) = ("negative", "pharmacy"));
        }
        var maternity = await InboxRows.AddAsync(factory, 1, "fr", "Maternité sale", set: f => (f.Sentiment, f.Department) = ("negative", "maternity"));
        await Accounts.Staff.CreateAsync(factory.Services, "essomba@hospital.cm", "staff");
        var page = await OpenAsync("/inbox", 1100);
        await BrowserAppFactory.SignInAsync(page, "essomba@hospital.cm", "/inbox");
        var more = page.GetByRole(AriaRole.Button, new() { Name = "Show more" });
        await Expect(more).ToBeVisibleAsync();

        // The filtered list is held back: meanwhile "Show more" is not offered.
        var held = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await page.RouteAsync(url => url.Contains("department=maternity", StringComparison.Ordinal), async route =>
        {
            held.TrySetResult();
            await release.Task;
            await route.ContinueAsync();
        });
        await page.Locator("#f-department").SelectOptionAsync("maternity");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Expect(more).ToBeHiddenAsync();

        release.SetResult();
        await Expect(page.Locator("#items li.item")).ToHaveCountAsync(1);
        Assert.Equal(maternity, await page.Locator("#items li.item").EvaluateAsync<long>("item => Number(item.dataset.id)"));
        await Expect(more).ToBeHiddenAsync();
    }

    [Fact]
    public async Task In_French_at_390_px_a_staff_member_filters_by_department_pages_through_it_and_assigns_an_item()
    {
        var maternity = new List<long>();
        for (var i = 0; i < 53; i++)
        {
            maternity.Add(await InboxRows.AddAsync(factory, 1, "fr", $"Maternité, commentaire {i}", set: f => (f.Sentiment, f.Department) = ("negative", "maternity")));
        }
        await InboxRows.AddAsync(factory, 2, "fr", "Rupture de médicaments", set: f => (f.Sentiment, f.Department) = ("negative", "pharmacy"));
        var suggested = await InboxRows.AddAsync(factory, 1, "fr", "Les urgences m'ont laissé attendre", set: f => (f.Sentiment, f.Topics) = ("negative", ["waiting_time", "emergency"]));
        await Accounts.Staff.CreateAsync(factory.Services, "mbarga@hospital.cm", "staff");
        var page = await OpenAsync("/dashboard", 390);
        await BrowserAppFactory.SignInAsync(page, "mbarga@hospital.cm", "/dashboard");
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();

        // The dashboard's link to the inbox, with how many items wait.
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Boîte de réception 55" });
        await Expect(link).ToBeVisibleAsync();
        await link.ClickAsync();
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/inbox");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Boîte de réception" })).ToBeVisibleAsync();

        await page.Locator("#f-department").SelectOptionAsync(new SelectOptionValue { Label = "Maternité (53)" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher", Exact = true }).ClickAsync();
        await Expect(page.Locator("#items li.item")).ToHaveCountAsync(50);
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher plus" }).ClickAsync();
        await Expect(page.Locator("#items li.item")).ToHaveCountAsync(53);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Afficher plus" })).ToBeHiddenAsync();
        var shown = await page.Locator("#items li.item").EvaluateAllAsync<long[]>("items => items.map(i => Number(i.dataset.id))");
        Assert.Equal(maternity, shown); // every one once, oldest first
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("inbox-department-fr-390") });

        // Not assigned: the item whose topics name a department has it chosen already; one click assigns it.
        await page.Locator("#f-department").SelectOptionAsync(new SelectOptionValue { Label = "Non attribué (1)" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher", Exact = true }).ClickAsync();
        var item = page.Locator($"#items li[data-id='{suggested}']");
        await Expect(item.GetByText("Suggéré d'après les sujets : Urgences")).ToBeVisibleAsync();
        await Expect(item.GetByLabel("Service")).ToHaveValueAsync("emergency");
        await item.GetByRole(AriaRole.Button, new() { Name = "Attribuer" }).ClickAsync();
        await Expect(page.GetByText("Rien n'attend une personne ici.")).ToBeVisibleAsync(); // no longer unassigned
        await Expect(page.Locator("#f-department")).ToContainTextAsync("Urgences (1)");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("inbox-assigned-fr-390"), FullPage = true });

        await using var db = factory.Db();
        Assert.Equal("emergency", (await db.Feedbacks.AsNoTracking().SingleAsync(f => f.Id == suggested)).Department);
    }
}
