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
}
