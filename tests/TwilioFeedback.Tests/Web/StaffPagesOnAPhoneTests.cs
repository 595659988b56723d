using System.Collections.Concurrent;
using Microsoft.Playwright;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Accounts;
using TwilioFeedback.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TwilioFeedback.Tests.Accounts.AccountBrowser;

namespace TwilioFeedback.Tests.Web;

/// <summary>A nurse on a phone, in French: the dashboard's counts, and every staff page at 360 px, read as a person would.</summary>
public sealed class StaffPagesOnAPhoneTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>, IAsyncLifetime
{
    private readonly ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    private async Task<IPage> SignedInAsync(string email, string role, string path, int width)
    {
        await Staff.CreateAsync(factory.Services, email, role);
        var page = await factory.NewPageAsync(width, 800, errors: _errors, expected: BrowserAppFactory.Statuses(401));
        await page.GotoAsync(path);
        await BrowserAppFactory.SignInAsync(page, email, path);
        return page;
    }

    [Fact]
    public async Task The_dashboards_reminder_counts_say_none_and_one_in_the_singular_in_French_and_one_in_the_singular_in_English()
    {
        var page = await SignedInAsync("ndoumbe@hospital.cm", "staff", "/dashboard", 390);
        var reminders = page.Locator("#kpi-reminders");
        await Expect(reminders.Locator("[data-state=due]")).ToHaveTextAsync("0 due");
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        // French puts 0 and 1 in the singular (Intl.PluralRules): "0 prévu", never "0 prévus".
        await Expect(reminders.Locator("[data-state=due]")).ToHaveTextAsync("0 prévu");
        await Expect(reminders.Locator("[data-state=sent]")).ToHaveTextAsync("0 envoyé");
        await Expect(reminders.Locator("[data-state=failed]")).ToHaveTextAsync("0 échoué");
        await Expect(reminders.Locator("[data-state=waiting]")).ToHaveTextAsync("0 en attente");

        await using (var db = factory.Db())
        {
            var patient = new Patient { ExternalId = "P-dash", CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start };
            Reminder Reminder(TimeSpan from, string status) => new()
            {
                Patient = patient, Message = "Rendez-vous", Language = "fr", ScheduledTime = AppFactory.Start + from, Status = status,
                SentAt = status == ReminderStatus.Delivered ? AppFactory.Start + from : null, Channels = ["sms"],
                CreatedAt = AppFactory.Start.AddDays(-2), UpdatedAt = AppFactory.Start,
            };
            db.Reminders.AddRange(Reminder(TimeSpan.FromHours(-2), ReminderStatus.Delivered), Reminder(TimeSpan.FromHours(-1), ReminderStatus.Delivered),
                Reminder(TimeSpan.FromHours(-1), ReminderStatus.Failed), Reminder(TimeSpan.FromHours(2), ReminderStatus.Scheduled));
            await db.SaveChangesAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Actualiser" }).ClickAsync();
        await Expect(reminders.Locator("[data-state=due]")).ToHaveTextAsync("4 prévus");
        await Expect(reminders.Locator("[data-state=sent]")).ToHaveTextAsync("2 envoyés");
        await Expect(reminders.Locator("[data-state=failed]")).ToHaveTextAsync("1 échoué");
        await Expect(reminders.Locator("[data-state=waiting]")).ToHaveTextAsync("1 en attente");
        await AssertNoSidewaysScrollAsync(page, "the dashboard");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("dashboard-fr-390"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(reminders.Locator("[data-state=failed]")).ToHaveTextAsync("1 failed");
        await Expect(reminders.Locator("[data-state=sent]")).ToHaveTextAsync("2 sent");
        await page.Context.CloseAsync();
    }

    /// <summary>
    /// Each staff page an admin can open, the French heading it shows, what is there once it has drawn its data, and short
    /// texts that must not break across lines (a count and its word, an empty list's "Rien pour l'instant."), and the
    /// tab's title in French and in English.
    /// </summary>
    public static TheoryData<string, string, string, string, string, string> Pages => new()
    {
        { "/dashboard", "Tableau de bord des avis", "#kpi-reminders [data-state=due]", "#kpi-reminders span, #chart-language li, #chart-topic li", "Tableau de bord", "Dashboard" },
        { "/inbox", "Boîte de réception", "#queues .queue-tab", "#queues .queue-tab", "Boîte de réception", "Inbox" },
        { "/simulator", "Simulateur de téléphone", "#test-numbers option", "", "Simulateur", "Simulator" },
        { "/studio", "Studio des langues", "#coverage tr", "", "Studio des langues", "Language studio" },
        { "/studio/recordings", "Enregistrements des messages vocaux", "#prompts li", "", "Enregistrements", "Recordings" },
        { "/appointments/import", "Importer des rendez-vous", "#upload", "", "Importer des rendez-vous", "Import appointments" },
        { "/account", "Compte", "#roles", "#roles", "Compte", "Account" },
        { "/account/users", "Utilisateurs", "#users tr", "", "Utilisateurs", "Users" },
        { "/account/2fa", "Connexion à deux facteurs", "main form", "", "Connexion à deux facteurs", "Two-factor sign-in" },
        { "/account/tokens", "Jetons d'accès personnels", "main form", "", "Jetons d'accès personnels", "Personal access tokens" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task At_360_px_in_French_a_staff_page_fits_the_screen_and_its_title_follows_the_pages_language(
        string path, string heading, string drawn, string oneLine, string frenchTitle, string englishTitle)
    {
        var page = await SignedInAsync("admin@hospital.cm", "admin", path, 360);
        await page.EvaluateAsync("() => localStorage.setItem('tf_lang', 'fr')");
        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Expect(page.Locator("header h1")).ToHaveTextAsync(heading);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fr");
        await Expect(page).ToHaveTitleAsync("TwilioFeedback · " + frenchTitle);
        await Expect(page.Locator(drawn).First).ToBeAttachedAsync();
        await AssertNoSidewaysScrollAsync(page, path);
        if (oneLine.Length > 0)
        {
            var broken = await page.EvaluateAsync<string[]>("""
                selector => [...document.querySelectorAll(selector)].filter(e => {
                    const range = document.createRange(); range.selectNodeContents(e);
                    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
                }).map(e => e.textContent)
                """, oneLine);
            Assert.True(broken.Length == 0, $"{path}: broken across lines: {string.Join(" | ", broken)}");
        }
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("page-fr-360" + path.Replace('/', '-')), FullPage = true });

        // The language button turns the title back to English with the rest of the page.
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page).ToHaveTitleAsync("TwilioFeedback · " + englishTitle);
        await page.Context.CloseAsync();
    }
}
