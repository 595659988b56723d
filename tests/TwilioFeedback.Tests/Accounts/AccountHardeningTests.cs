using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Accounts;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>
/// Issue 14's leftovers over HTTP: personal tokens an admin makes for someone, the password policy as a setting, a hash check for unknown emails, a reset
/// that ends the old password.
/// </summary>
public sealed partial class AccountHardeningTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string AdminEmail = "admin@hospital.cm";

    private static FormUrlEncodedContent Form(string formToken, params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)).Append(KeyValuePair.Create("__RequestVerificationToken", formToken)));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string cookie, HttpContent content)
    {
        var post = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        post.Headers.Add("Cookie", cookie);
        return await client.SendAsync(post);
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var (cookie, formToken) = await Staff.FormAsync(client, "/account/signin", "");
        return await PostAsync(client, "/account/signin?returnUrl=/account", cookie, Form(formToken, ("email", email), ("password", password)));
    }

    [Fact]
    public async Task An_admin_creates_a_personal_token_for_a_nurse_on_the_users_page_shown_once_acting_as_the_nurse_and_audited()
    {
        await Staff.CreateAsync(Factory.Services, AdminEmail, StaffRoles.Admin);
        var nurse = await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", StaffRoles.Staff);
        var translator = await Staff.CreateAsync(Factory.Services, "translator@hospital.cm", StaffRoles.Translator);
        var client = Staff.RawClient(Factory);
        var (cookie, _) = await Staff.SignInAsync(client, AdminEmail);
        var (pageCookie, formToken) = await Staff.FormAsync(client, "/account/users", cookie);

        var created = await PostAsync(client, $"/account/users/{nurse.Id}/tokens", pageCookie, Form(formToken, ("name", "ward sync"), ("days", "7")));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var token = NewToken().Match(await created.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.StartsWith(PersonalAccessTokens.Prefix, token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientWith(token).GetAsync("/api/v1/feedback")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Factory.ClientWith(token).GetAsync("/api/v1/admin/webhooks")).StatusCode); // the nurse's role, not the admin's

        var forTranslator = await PostAsync(client, $"/account/users/{translator.Id}/tokens", pageCookie, Form(formToken, ("name", "studio"), ("days", "7")));
        var translatorToken = NewToken().Match(await forTranslator.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.Equal(HttpStatusCode.Forbidden, (await Factory.ClientWith(translatorToken).GetAsync("/api/v1/feedback")).StatusCode);

        var bad = await PostAsync(client, $"/account/users/{nurse.Id}/tokens", pageCookie, Form(formToken, ("name", ""), ("days", "400")));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Give the token a name", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = new HttpRequestMessage(HttpMethod.Get, "/account/users");
        again.Headers.Add("Cookie", pageCookie);
        Assert.DoesNotContain("new-token", await (await client.SendAsync(again)).Content.ReadAsStringAsync(), StringComparison.Ordinal); // shown once
        await using var db = Factory.Db();
        Assert.Equal(["studio", "ward sync"], await db.PersonalAccessTokens.OrderBy(t => t.Name).Select(t => t.Name).ToListAsync());
        Assert.Equal(nurse.Id, (await db.PersonalAccessTokens.SingleAsync(t => t.Name == "ward sync")).UserId);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "token-create" && a.Actor == AdminEmail && a.Target == $"user {nurse.Id}: ward sync"));
    }

    [Fact]
    public async Task An_unknown_email_is_checked_against_a_password_hash_like_a_known_one()
    {
        var hasher = new CountingHasher();
        await using var host = Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<StaffUser>>(hasher)));
        await Staff.CreateAsync(host.Services, "nurse@hospital.cm", StaffRoles.Staff);
        var client = Staff.RawClient(host);

        hasher.Verifications = 0;
        var unknown = await SignInAsync(client, "nobody@hospital.cm", "a guessed password");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains(AccountEndpoints.SignInFailed, WebUtility.HtmlDecode(await unknown.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(1, hasher.Verifications);

        hasher.Verifications = 0;
        var wrong = await SignInAsync(client, "nurse@hospital.cm", "a guessed password");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(1, hasher.Verifications);
    }

    [Fact]
    public async Task The_password_policy_comes_from_the_settings_and_a_bad_one_stops_the_start()
    {
        await using (var strict = Factory.WithWebHostBuilder(b => b.UseSetting("Accounts:Password:RequiredLength", "16").UseSetting("Accounts:Password:RequireDigit", "true")))
        {
            await using var scope = strict.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var refused = await users.CreateAsync(new StaffUser { UserName = "a@hospital.cm", Email = "a@hospital.cm" }, "fifteen letters");
            Assert.Equal(["PasswordRequiresDigit", "PasswordTooShort"], refused.Errors.Select(e => e.Code).Order());
            Assert.True((await users.CreateAsync(new StaffUser { UserName = "b@hospital.cm", Email = "b@hospital.cm" }, "sixteen letters 1")).Succeeded);
            var link = await FirstAdminLinkPrinter.LinkAsync(scope.ServiceProvider, "", CancellationToken.None);
            var page = await (await strict.CreateClient().GetAsync(link)).Content.ReadAsStringAsync();
            Assert.Contains("data-t-args=\"16\">Password (at least 16 characters)</label>", page, StringComparison.Ordinal);
        }
        await using var bad = Factory.WithWebHostBuilder(b => b.UseSetting("Accounts:Password:RequiredLength", "4"));
        var error = Assert.Throws<OptionsValidationException>(() => bad.Services);
        Assert.Contains("Accounts:Password:RequiredLength must be from 8 to 128.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reset_ends_the_old_password_at_once_and_the_persons_sessions_within_a_minute()
    {
        await Staff.CreateAsync(Factory.Services, AdminEmail, StaffRoles.Admin);
        var nurse = await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", StaffRoles.Staff);
        var client = Staff.RawClient(Factory);
        var (nurseCookie, _) = await Staff.SignInAsync(client, "nurse@hospital.cm");
        var (adminCookie, _) = await Staff.SignInAsync(client, AdminEmail);
        var (pageCookie, formToken) = await Staff.FormAsync(client, "/account/users", adminCookie);

        var reset = await PostAsync(client, $"/account/users/{nurse.Id}/reset", pageCookie, Form(formToken));
        var link = OneTimeLink().Match(await reset.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync(client, "nurse@hospital.cm", Staff.Password)).StatusCode);

        Factory.Clock.Advance(TimeSpan.FromSeconds(61));
        var me = new HttpRequestMessage(HttpMethod.Get, "/account/me");
        me.Headers.Add("Cookie", nurseCookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(me)).StatusCode);

        var (linkCookie, linkToken) = await Staff.FormAsync(client, new Uri(WebUtility.HtmlDecode(link)).PathAndQuery, "");
        var chosen = await PostAsync(client, new Uri(WebUtility.HtmlDecode(link)).PathAndQuery, linkCookie, Form(linkToken, ("password", "a brand new passphrase")));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, "nurse@hospital.cm", "a brand new passphrase")).StatusCode);
    }

    private sealed class CountingHasher : IPasswordHasher<StaffUser>
    {
        private readonly PasswordHasher<StaffUser> _inner = new();

        public int Verifications { get; set; }

        public string HashPassword(StaffUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(StaffUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [GeneratedRegex("id=\"new-token\" readonly value=\"([^\"]+)\"")]
    private static partial Regex NewToken();

    [GeneratedRegex("id=\"one-time-link\" readonly value=\"([^\"]+)\"")]
    private static partial Regex OneTimeLink();
}
