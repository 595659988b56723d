using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Accounts;
using static Microsoft.Playwright.Assertions;
using static TwilioFeedback.Tests.Accounts.AccountBrowser;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>Identity's own refusals (a taken email, a too-short password) on the account pages, in the page's language.</summary>
public sealed class IdentityRefusalBrowserTests(NoEmailBrowserFactory factory) : IClassFixture<NoEmailBrowserFactory>, IAsyncLifetime
{
    private readonly ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    private static async Task InviteAsync(IPage page, string name, string email, string inviteButton)
    {
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = inviteButton, Exact = true }).ClickAsync();
    }

    [Fact]
    public async Task A_taken_email_and_a_too_short_password_are_refused_in_French_on_a_French_page_and_in_English_on_an_English_one()
    {
        await Staff.CreateAsync(factory.Services, "admin@dgh.example", "admin");
        await Staff.CreateAsync(factory.Services, "nurse@dgh.example", "staff");
        var admin = await OpenAsync(factory, _errors, "/account/signin");
        await SignInAsync(admin, "admin@dgh.example");
        await admin.GotoAsync("/account/users");

        // English: Identity's own words.
        await InviteAsync(admin, "Second Nurse", "nurse@dgh.example", "Invite");
        await Expect(admin.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Username 'nurse@dgh.example' is already taken. Email 'nurse@dgh.example' is already taken.");

        // French: the same refusal in French, the address as it was typed.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await InviteAsync(admin, "Seconde infirmière", "nurse@dgh.example", "Inviter");
        await Expect(admin.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "Le nom d'utilisateur « nurse@dgh.example » est déjà pris. L'e-mail « nurse@dgh.example » est déjà utilisé.");
        await admin.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("account-users-refusal-fr"), FullPage = true });
        await admin.SetViewportSizeAsync(360, 800);
        await AssertNoSidewaysScrollAsync(admin, "the users page with a refusal");
        await admin.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("account-users-refusal-fr-360"), FullPage = true });
        await admin.SetViewportSizeAsync(1100, 900);

        await InviteAsync(admin, "Sage-femme", "midwife@dgh.example", "Inviter");
        var link = await admin.Locator("#one-time-link").InputValueAsync();

        // The invited person's own browser, in French: too short a password.
        var midwife = await OpenAsync(factory, _errors, link, 360, 800);
        await midwife.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await midwife.GetByLabel("Mot de passe (12 caractères au moins)").FillAsync("court");
        await midwife.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le mot de passe" }).ClickAsync();
        await Expect(midwife.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Le mot de passe doit contenir au moins 12 caractères.");
        await AssertNoSidewaysScrollAsync(midwife, "the password page with a refusal");
        await midwife.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("account-password-refusal-fr-360"), FullPage = true });

        // Back in English, the next refusal is in English.
        await midwife.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await midwife.GetByLabel("Password (at least 12 characters)").FillAsync("short");
        await midwife.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await Expect(midwife.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Passwords must be at least 12 characters.");
        await admin.Context.CloseAsync();
        await midwife.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_error_Identity_can_return_has_its_English_text_and_a_French_one_on_the_pages()
    {
        // Every error Identity's describer has is worded by ours, so a new one in a later Identity fails here.
        var codes = typeof(IdentityErrorDescriber).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.ReturnType == typeof(IdentityError)).ToList();
        Assert.All(codes, m => Assert.Equal(typeof(PageIdentityErrors),
            typeof(PageIdentityErrors).GetMethod(m.Name, [.. m.GetParameters().Select(p => p.ParameterType)])!.DeclaringType));
        var errors = PageIdentityErrors.All().Cast<PageIdentityErrors.Error>().ToList();
        Assert.Equal(codes.Select(m => m.Name).Order(), errors.Select(e => e.Code).Order());

        var page = await OpenAsync(factory, _errors, "/account/signin");
        foreach (var error in errors)
        {
            var texts = await page.EvaluateAsync<string?[]>("k => [window.TF_TEXTS.en[k] ?? null, window.TF_TEXTS.fr[k] ?? null]", "identity." + error.Code);
            var (english, french) = (texts[0], texts[1]);
            Assert.Equal(error.Description, english?.Replace("{0}", error.Value, StringComparison.Ordinal));
            Assert.False(string.IsNullOrEmpty(french), error.Code + " has no French text");
            Assert.NotEqual(english, french);
            Assert.Equal(english!.Contains("{0}", StringComparison.Ordinal), french!.Contains("{0}", StringComparison.Ordinal));
        }
        await page.Context.CloseAsync();
    }
}
