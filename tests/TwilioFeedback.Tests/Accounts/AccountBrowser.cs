using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Accounts;
using static Microsoft.Playwright.Assertions;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>The server with no email sender (neither SendGrid nor SMTP): an invitation is shown once to copy.</summary>
public sealed class NoEmailBrowserFactory : BrowserAppFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Email:SendGridApiKey"] = "";
            return settings;
        }
    }
}

/// <summary>The server with the hospital's own SMTP server (a <see cref="SmtpListener"/>): invitations go by email.</summary>
public sealed class SmtpBrowserFactory : BrowserAppFactory
{
    public SmtpListener Smtp { get; } = new();

    public override async Task ResetAsync()
    {
        await base.ResetAsync();
        Smtp.Messages.Clear();
    }

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Email:SendGridApiKey"] = "";
            settings["Email:SmtpHost"] = "127.0.0.1";
            settings["Email:SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Email:SmtpSecurity"] = "None";
            return settings;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Smtp.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>What the account pages' browser tests share: a fresh browser context per person, signing in through the page.</summary>
public static class AccountBrowser
{
    /// <summary>A new context (its own cookies, as another person's browser) on <paramref name="path"/>; script errors and CSP refusals go to <paramref name="errors"/>.</summary>
    public static async Task<IPage> OpenAsync(BrowserAppFactory factory, ConcurrentBag<string> errors, string path, int width = 1100, int height = 900)
    {
        // Refused sign-ins answer 400/403/429 on purpose: only script errors and blocked resources count.
        var page = await factory.NewPageAsync(width, height, errors: errors,
            expected: message => message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal));
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>Fills and sends the sign-in form (opening the page first unless already on it).</summary>
    public static async Task SubmitSignInAsync(IPage page, string email, string password)
    {
        if (new Uri(page.Url).AbsolutePath != "/account/signin")
        {
            await page.GotoAsync("/account/signin");
        }
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("form.card button[type=submit]").ClickAsync();
    }

    /// <summary>Signs in and waits for the account page.</summary>
    public static async Task SignInAsync(IPage page, string email, string password = Staff.Password)
    {
        await SubmitSignInAsync(page, email, password);
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account");
    }

    public static async Task SignOutAsync(IPage page)
    {
        await page.Locator("header form button[type=submit]").ClickAsync();
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account/signin");
    }

    /// <summary>The first admin's set-up link, as the server prints it on a database without an admin.</summary>
    public static async Task<string> SetupLinkAsync(BrowserAppFactory factory) =>
        await SetupLinkOrNullAsync(factory) ?? throw new InvalidOperationException("An admin exists: no set-up link.");

    /// <summary>The set-up link, or null once an admin exists.</summary>
    public static async Task<string?> SetupLinkOrNullAsync(BrowserAppFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await FirstAdminLinkPrinter.LinkAsync(scope.ServiceProvider, factory.Address.ToString(), CancellationToken.None);
    }

    /// <summary>Chooses a password on a one-time link's page and waits for the sign-in page it sends to.</summary>
    public static async Task ChoosePasswordAsync(IPage page, string link, string password)
    {
        await page.GotoAsync(link);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose your password" })).ToBeVisibleAsync();
        await page.GetByLabel("Password (at least 12 characters)").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account/signin");
    }

    /// <summary>Fails, naming the elements that stick out on the right, when the page is wider than the window.</summary>
    public static async Task AssertNoSidewaysScrollAsync(IPage page, string what)
    {
        var wider = await page.EvaluateAsync<string[]>("""
            () => document.documentElement.scrollWidth <= window.innerWidth ? [] :
                [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "") + " right=" + Math.round(e.getBoundingClientRect().right))
            """);
        Assert.True(wider.Length == 0, $"{what} scrolls sideways on a phone: {string.Join(", ", wider)}");
    }
}
