using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TwilioFeedback.Tests.Accounts.AccountBrowser;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>With the hospital's SMTP server configured, an invitation goes by email and the link in it works.</summary>
public sealed partial class AccountEmailBrowserTests(SmtpBrowserFactory factory) : IClassFixture<SmtpBrowserFactory>, IAsyncLifetime
{
    private readonly ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_invitation_arrives_by_email_and_its_link_lets_the_translator_choose_a_password_and_sign_in()
    {
        await Staff.CreateAsync(factory.Services, "admin@dgh.example", "admin");
        var admin = await OpenAsync(factory, _errors, "/account/signin");
        await SignInAsync(admin, "admin@dgh.example");
        await admin.GotoAsync("/account/users");
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Basaa Translator");
        await admin.GetByLabel("Email").FillAsync("basaa@dgh.example");
        await admin.Locator("#role").SelectOptionAsync("translator");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();

        await Expect(admin.GetByText("Invitation sent by email.")).ToBeVisibleAsync();
        await Expect(admin.Locator("#one-time-link")).ToHaveCountAsync(0); // not shown: it went to the person only
        var (_, to, data) = Assert.Single(factory.Smtp.Messages);
        Assert.Equal("basaa@dgh.example", to);
        Assert.Contains("Subject: Your TwilioFeedback account", data, StringComparison.Ordinal);
        var link = PasswordLink().Match(QuotedPrintable(data));
        Assert.True(link.Success, "no password link in the email:\n" + data);

        var translator = await OpenAsync(factory, _errors, "/account/signin");
        await ChoosePasswordAsync(translator, link.Value, "basaa words and sounds");
        await SignInAsync(translator, "basaa@dgh.example", "basaa words and sounds");
        await Expect(translator.Locator("#roles")).ToHaveTextAsync("Translator");
        await admin.Context.CloseAsync();
        await translator.Context.CloseAsync();
    }

    /// <summary>Undoes quoted-printable (soft line breaks, <c>=XX</c>), should the mail body be sent so.</summary>
    private static string QuotedPrintable(string text) =>
        Escaped().Replace(text.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal),
            m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/account/password\?token=[^\s]+")]
    private static partial Regex PasswordLink();

    [GeneratedRegex("=([0-9A-F]{2})")]
    private static partial Regex Escaped();
}
