using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Accounts;
using static Microsoft.Playwright.Assertions;
using static TwilioFeedback.Tests.Accounts.AccountBrowser;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>
/// Accounts in Chromium on a server with no email sender: the first admin from the set-up link, an
/// invited translator refused the dashboard, lockout, two-factor sign-in, sign-out, and the pages in
/// French on a phone.
/// </summary>
public sealed class AccountBrowserTests(NoEmailBrowserFactory factory) : IClassFixture<NoEmailBrowserFactory>, IAsyncLifetime
{
    private const string AdminEmail = "admin@dgh.example";
    private const string AdminPassword = "a long admin passphrase";
    private readonly ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    /// <summary>Fills the set-up page the link opened: the admin is created and signed in.</summary>
    private static async Task CreateFirstAdminAsync(IPage page)
    {
        await page.Locator("#name").FillAsync("Dr Mbappe Admin");
        await page.Locator("#email").FillAsync(AdminEmail);
        await page.Locator("#password").FillAsync(AdminPassword);
        await page.Locator("form.card button[type=submit]").ClickAsync();
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account");
    }

    [Fact]
    public async Task The_first_admin_from_the_set_up_link_invites_a_translator_who_signs_in_and_is_refused_the_dashboard()
    {
        var setup = await SetupLinkAsync(factory);
        Assert.StartsWith(factory.Address + "account/setup?token=", setup, StringComparison.Ordinal);
        var admin = await OpenAsync(factory, _errors, setup);
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Create the first admin" })).ToBeVisibleAsync();
        await CreateFirstAdminAsync(admin);
        await Expect(admin.Locator("#whoami")).ToHaveTextAsync("Dr Mbappe Admin");
        await Expect(admin.Locator("#roles")).ToHaveTextAsync("Admin");

        await admin.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Invite someone" })).ToBeVisibleAsync();
        // Each row's token fields have their own names, so "Name" is the invitation's field alone.
        var own = admin.Locator("#users tr").First;
        await Expect(own.GetByLabel("Token name", new() { Exact = true })).ToHaveAttributeAsync("placeholder", "Token name");
        await Expect(own.GetByLabel("Days", new() { Exact = true })).ToHaveValueAsync("30");
        await Expect(admin.GetByLabel("Name", new() { Exact = true })).ToHaveCountAsync(1);
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Ewondo Translator");
        await admin.GetByLabel("Email").FillAsync("translator@dgh.example");
        await admin.Locator("#role").SelectOptionAsync("translator");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToContainTextAsync("Send this one-time link to the person");
        var invitation = await admin.Locator("#one-time-link").InputValueAsync();
        Assert.StartsWith(factory.Address + "account/password?token=", invitation, StringComparison.Ordinal);
        await Expect(admin.Locator("#users tr[data-email='translator@dgh.example'] select")).ToHaveValueAsync("translator");
        await admin.GotoAsync("/account/users"); // shown once: not on the page again
        await Expect(admin.Locator("#users tr[data-email='translator@dgh.example']")).ToBeVisibleAsync();
        await Expect(admin.Locator("#one-time-link")).ToHaveCountAsync(0);

        var translator = await OpenAsync(factory, _errors, "/account/signin");
        await ChoosePasswordAsync(translator, invitation, "ewondo words and sounds");
        await SignInAsync(translator, "translator@dgh.example", "ewondo words and sounds");
        await Expect(translator.Locator("#roles")).ToHaveTextAsync("Translator");
        await Expect(translator.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
        await translator.GotoAsync("/dashboard");
        await BrowserAppFactory.ArrivedAsync(translator, url => url.AbsolutePath == "/account/denied");
        await Expect(translator.GetByRole(AriaRole.Heading, new() { Name = "No access" })).ToBeVisibleAsync();

        // Both links are spent: the invitation by the password, the set-up link by the admin.
        await translator.GotoAsync(invitation);
        await Expect(translator.GetByRole(AriaRole.Heading, new() { Name = "Link no longer valid" })).ToBeVisibleAsync();
        Assert.Null(await SetupLinkOrNullAsync(factory));
        await translator.GotoAsync(setup);
        await Expect(translator.GetByRole(AriaRole.Heading, new() { Name = "Link no longer valid" })).ToBeVisibleAsync();
        await admin.Context.CloseAsync();
        await translator.Context.CloseAsync();
    }

    [Fact]
    public async Task Five_failures_lock_the_account_with_the_same_message_and_then_the_right_password_is_refused_too()
    {
        await Staff.CreateAsync(factory.Services, "nurse@dgh.example", "staff");
        var page = await OpenAsync(factory, _errors, "/account/signin");

        await SubmitSignInAsync(page, "nobody@dgh.example", Staff.Password);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(AccountEndpoints.SignInFailed); // no account: the same words
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await SubmitSignInAsync(page, "nurse@dgh.example", "not the password " + attempt);
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(AccountEndpoints.SignInFailed);
        }
        await SubmitSignInAsync(page, "nurse@dgh.example", Staff.Password);

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(AccountEndpoints.SignInFailed);
        Assert.Equal("/account/signin", new Uri(page.Url).AbsolutePath);
        await page.GotoAsync("/account");
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account/signin");
        await using var db = factory.Db();
        // The fifth failure locked it; the right password was then refused as locked.
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "lockout" && a.Actor == "nurse@dgh.example"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Two_factor_enrolled_from_the_QR_page_asks_for_the_apps_code_each_code_works_once_and_turning_it_off_needs_a_code()
    {
        await Staff.CreateAsync(factory.Services, "quality@dgh.example", "staff");
        var page = await OpenAsync(factory, _errors, "/account/signin");
        await SignInAsync(page, "quality@dgh.example");
        await page.GetByRole(AriaRole.Link, new() { Name = "Two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        var key = await page.Locator("#authenticator-key").InnerTextAsync();

        // The server's clock is the tests' clock: the app's codes are computed at it, and it moves a half-minute when a new code is due.
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(Totp.Code(key, factory.Clock.GetUtcNow().AddHours(1))); // not this half-minute's
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That code did not work. Type the newest code from the app.");
        Assert.Equal(key, await page.Locator("#authenticator-key").InnerTextAsync()); // the same key: the app need not scan again
        var enrolment = Totp.Code(key, factory.Clock.GetUtcNow());
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(enrolment);
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(page.Locator("#twofactor-state")).ToContainTextAsync("Two-factor sign-in is on");
        var recovery = await page.Locator("#recovery-codes li").AllInnerTextsAsync();
        Assert.Equal(10, recovery.Count);
        await SignOutAsync(page);

        // The code just used to turn it on is spent, even within its half-minute.
        await SignInWithCodeAsync(page, "quality@dgh.example", enrolment);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That code did not work. Try the newest code.");

        // The next half-minute's code works, once.
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var code = Totp.Code(key, factory.Clock.GetUtcNow());
        await SignInWithCodeAsync(page, "quality@dgh.example", code);
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account");
        await SignOutAsync(page);
        await SignInWithCodeAsync(page, "quality@dgh.example", code);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That code did not work. Try the newest code.");

        // A recovery code instead: it works once.
        await SignInWithCodeAsync(page, "quality@dgh.example", recovery[0]);
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account");
        await SignOutAsync(page);
        await SignInWithCodeAsync(page, "quality@dgh.example", recovery[0]);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That code did not work. Try the newest code.");
        Assert.Equal("/account/signin/code", new Uri(page.Url).AbsolutePath);

        // Turning it off asks for a current code: an open session alone is not enough.
        await SignInWithCodeAsync(page, "quality@dgh.example", recovery[1]);
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account");
        await page.GotoAsync("/account/2fa");
        await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(code); // spent
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That code did not work. Type the newest code from the app.");
        await Expect(page.Locator("#twofactor-state")).ToContainTextAsync("Two-factor sign-in is on");
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(Totp.Code(key, factory.Clock.GetUtcNow()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn off two-factor sign-in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>The password, then <paramref name="code"/> on the two-factor page it leads to.</summary>
    private static async Task SignInWithCodeAsync(IPage page, string email, string code)
    {
        await SubmitSignInAsync(page, email, Staff.Password);
        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account/signin/code");
        await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_the_back_button_shows_the_sign_in_page()
    {
        await Staff.CreateAsync(factory.Services, "ward@dgh.example", "staff");
        var page = await OpenAsync(factory, _errors, "/account/signin");
        await SignInAsync(page, "ward@dgh.example");
        await Expect(page.Locator("#whoami")).ToHaveTextAsync("ward");

        await SignOutAsync(page);
        await Expect(page.GetByLabel("Email")).ToBeVisibleAsync(); // the sign-in page is there: going back at once from a page only just committed fails
        await page.GoBackAsync();

        await BrowserAppFactory.ArrivedAsync(page, url => url.AbsolutePath == "/account/signin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(page.Locator("#whoami")).ToHaveCountAsync(0);
        var api = await page.Context.APIRequest.GetAsync("/api/v1/dashboard");
        Assert.Equal(401, api.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_account_pages_fit_a_phone_in_French()
    {
        var link = await SetupLinkAsync(factory);
        var page = await OpenAsync(factory, _errors, link, 390, 844);
        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Créer le premier administrateur" })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "the set-up page");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("account-setup-fr-phone"), FullPage = true });
        await CreateFirstAdminAsync(page);
        await Expect(page.Locator("#roles")).ToHaveTextAsync("Administrateur"); // a role in the page's language, not its id
        await Staff.CreateAsync(factory.Services, "infirmiere.avec.un.nom.tres.long@hopital-general-douala.example", "staff");

        await page.GotoAsync("/account/users");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Utilisateurs" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inviter quelqu'un" })).ToBeVisibleAsync();
        // Each row's fields are named in French too (for a screen reader), as is the token name's placeholder.
        var nurse = page.Locator("tr[data-email='infirmiere.avec.un.nom.tres.long@hopital-general-douala.example']");
        await Expect(nurse.GetByLabel("Nom du jeton", new() { Exact = true })).ToHaveAttributeAsync("placeholder", "Nom du jeton");
        await Expect(nurse.GetByLabel("Jours", new() { Exact = true })).ToHaveValueAsync("30");
        await Expect(nurse.GetByLabel("Rôle", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Nom", new() { Exact = true })).ToHaveCountAsync(1);
        // Roles are named in French; what the form sends is still the role's id.
        await Expect(nurse.GetByLabel("Rôle", new() { Exact = true }).Locator("option:checked")).ToHaveTextAsync("Personnel");
        await Expect(nurse.GetByLabel("Rôle", new() { Exact = true })).ToHaveValueAsync("staff");
        await Expect(page.Locator("#role option")).ToHaveTextAsync(["Administrateur", "Personnel", "Traducteur"]);
        await Expect(page.Locator("#role")).ToHaveValueAsync("staff");
        await AssertNoSidewaysScrollAsync(page, "the users page");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("account-users-fr-phone"), FullPage = true });

        // The name is limited to its column: the form says so, and the server refuses a longer one in words, not with a 500.
        var name = page.GetByLabel("Nom", new() { Exact = true });
        await Expect(name).ToHaveAttributeAsync("maxlength", StaffUser.DisplayNameLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await name.EvaluateAsync("input => input.removeAttribute('maxlength')"); // as a script or an old browser would send it
        await name.FillAsync(new string('n', StaffUser.DisplayNameLength + 1));
        await page.GetByLabel("E-mail", new() { Exact = true }).FillAsync("long.name@dgh.example");
        var refused = page.WaitForResponseAsync(r => r.Url.EndsWith("/account/users/invite", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Inviter", Exact = true }).ClickAsync();
        Assert.Equal(400, (await refused).Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Donnez un nom de 1 à 128 caractères.");
        await using (var db = factory.Db())
        {
            Assert.False(await db.Users.AnyAsync(u => u.Email == "long.name@dgh.example"));
        }

        await page.GotoAsync("/account/2fa");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connexion à deux facteurs" })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "the two-factor page");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("account-2fa-fr-phone"), FullPage = true });

        await SignOutAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Connexion" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync(page, "the sign-in page");
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("account-signin-fr-phone"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
