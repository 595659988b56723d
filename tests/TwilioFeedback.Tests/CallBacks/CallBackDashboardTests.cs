using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Tests.Accounts;
using TwilioFeedback.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using static TwilioFeedback.Tests.Accounts.AccountBrowser;

namespace TwilioFeedback.Tests.CallBacks;

/// <summary>The server in Chromium with call me back on for the hospital number.</summary>
public sealed class CallBackBrowserFactory : BrowserAppFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Voice:CallMeBack"] = TwilioRequests.HospitalNumber;
            return settings;
        }
    }
}

/// <summary>Staff see the period's call-backs on the dashboard, by state, numbers masked, in English and in French on a phone.</summary>
public sealed class CallBackDashboardTests(CallBackBrowserFactory factory) : IClassFixture<CallBackBrowserFactory>, IAsyncLifetime
{
    private readonly ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    /// <summary>A call-back row as the flash, the dispatcher and Twilio's callbacks leave it.</summary>
    private static CallBack Row(PhoneHasher hasher, int n, string status, int calls, TimeSpan age, TimeSpan? deferredBy = null)
    {
        var phone = $"+2376770019{n:D2}";
        var created = AppFactory.Start - age;
        return new CallBack
        {
            Phone = phone, PhoneHash = hasher.Hash(phone), HospitalNumber = TwilioRequests.HospitalNumber, InboundCallSid = "CA" + Guid.NewGuid().ToString("N"),
            Trigger = n == 2 ? "missed" : "rejected", Day = DateOnly.FromDateTime(created.UtcDateTime), Status = status, Calls = calls,
            DueAt = created + (deferredBy ?? TimeSpan.Zero), CreatedAt = created, UpdatedAt = created, PlacedAt = calls > 0 ? created : null,
        };
    }

    [Fact]
    public async Task Staff_see_the_call_backs_by_state_with_masked_numbers_in_English_and_in_French_on_a_phone()
    {
        var hasher = factory.Services.GetRequiredService<PhoneHasher>();
        await using (var db = factory.Db())
        {
            db.CallBacks.AddRange(
                Row(hasher, 1, CallBackStatus.Scheduled, 0, TimeSpan.FromMinutes(1)),
                Row(hasher, 2, CallBackStatus.Scheduled, 0, TimeSpan.FromHours(12), deferredBy: TimeSpan.FromHours(9)), // waits out quiet hours
                Row(hasher, 3, CallBackStatus.Placed, 1, TimeSpan.FromMinutes(5)),
                Row(hasher, 4, CallBackStatus.Scheduled, 1, TimeSpan.FromMinutes(20)), // the first call was busy: the retry is due
                Row(hasher, 5, CallBackStatus.Answered, 1, TimeSpan.FromDays(1)),
                Row(hasher, 6, CallBackStatus.Answered, 2, TimeSpan.FromDays(2)),
                Row(hasher, 7, CallBackStatus.Failed, 2, TimeSpan.FromDays(3)),
                Row(hasher, 8, CallBackStatus.Answered, 1, TimeSpan.FromDays(40))); // before the 30 days shown
            await db.SaveChangesAsync();
        }
        await Staff.CreateAsync(factory.Services, "nurse@dgh.example", "staff");
        var page = await OpenAsync(factory, _errors, "/account/signin");
        await SignInAsync(page, "nurse@dgh.example");
        await page.GotoAsync("/dashboard");

        var section = page.Locator("#callbacks");
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Call-backs" })).ToBeVisibleAsync();
        var counts = page.Locator("#callback-counts");
        foreach (var shown in new[] { "1 scheduled", "1 deferred (quiet hours)", "1 placed", "1 retried", "2 completed", "1 failed" })
        {
            await Expect(counts).ToContainTextAsync(shown);
        }
        var latest = page.Locator("#callback-latest li");
        await Expect(latest).ToHaveCountAsync(7);
        await Expect(latest.First).ToContainTextAsync("+2376••••••07"); // the newest row first
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••02" })).ToContainTextAsync("deferred (quiet hours)");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••02" })).ToContainTextAsync("missed call");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••04" })).ToContainTextAsync("retried");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••05" })).ToContainTextAsync("1 call");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••05" })).Not.ToContainTextAsync("calls");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••06" })).ToContainTextAsync("2 calls");
        Assert.DoesNotContain("+2376770019", await page.ContentAsync(), StringComparison.Ordinal); // never the whole number
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("dashboard-callbacks-en"), FullPage = true });

        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Appels en retour" })).ToBeVisibleAsync();
        // One of a state is said in the singular, two in the plural (Intl.PluralRules), in the counts and in each row.
        await Expect(counts.Locator("[data-state=scheduled]")).ToHaveTextAsync("1 prévu");
        await Expect(counts.Locator("[data-state=deferred]")).ToHaveTextAsync("1 reporté (heures calmes)");
        await Expect(counts.Locator("[data-state=retried]")).ToHaveTextAsync("1 relancé");
        await Expect(counts.Locator("[data-state=failed]")).ToHaveTextAsync("1 échoué");
        await Expect(counts.Locator("[data-state=completed]")).ToHaveTextAsync("2 aboutis");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••04" }).Locator(".badge")).ToHaveTextAsync("relancé");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••05" })).ToContainTextAsync("1 appel");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••05" })).Not.ToContainTextAsync("appels");
        await Expect(page.Locator("#callback-latest li", new() { HasText = "+2376••••••06" })).ToContainTextAsync("2 appels");
        await AssertNoSidewaysScrollAsync(page, "the dashboard with call-backs");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("dashboard-callbacks-fr-phone"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
