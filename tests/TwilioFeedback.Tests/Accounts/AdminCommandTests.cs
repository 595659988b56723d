using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Accounts;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>
/// <c>scripts/admin</c> and <c>scripts/run</c>'s first-admin link, end to end: the script (its build skipped) or
/// the server binary run as a process on a test database, then the links printed used and the accounts signed in (or refused).
/// </summary>
public sealed partial class AdminCommandTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private Task<(int ExitCode, string Output, string Error)> AdminAsync(params string[] arguments)
    {
        var environment = ServerBinary.Environment(Factory.ConnectionString, Factory.KeyPrefix);
        environment["PUBLIC_BASE_URL"] = AppFactory.PublicBaseUrl;
        return ServerBinary.RunScriptAsync("scripts/admin", arguments, environment);
    }

    /// <summary>The one-time link a command printed, as a path and query on this server.</summary>
    private static string PrintedLink(string output)
    {
        var link = PasswordLink().Match(output);
        Assert.True(link.Success, "no link printed:\n" + output);
        return link.Value[AppFactory.PublicBaseUrl.Length..];
    }

    /// <summary>Opens the link's page and, if it offers the form, chooses <paramref name="password"/>: the page's status (410 for a dead link) or the post's.</summary>
    private async Task<HttpStatusCode> ChoosePasswordAsync(string link, string password)
    {
        var client = Staff.RawClient(Factory);
        var page = await client.GetAsync(link);
        if (page.StatusCode != HttpStatusCode.OK)
        {
            return page.StatusCode;
        }
        var (cookie, formToken) = await Staff.FormAsync(client, link, "");
        var post = new HttpRequestMessage(HttpMethod.Post, link)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = formToken, ["password"] = password }),
        };
        post.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(post);
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.Equal("/account/signin", response.Headers.Location?.OriginalString);
        }
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> SignInAsync(string email, string password)
    {
        var client = Staff.RawClient(Factory);
        var (cookie, formToken) = await Staff.FormAsync(client, "/account/signin", "");
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = formToken, ["email"] = email, ["password"] = password }),
        };
        post.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(post);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            Assert.Contains(AccountEndpoints.SignInFailed, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        return response.StatusCode;
    }

    [Fact]
    public async Task Admin_create_reset_and_disable_print_links_that_work_and_refuse_a_disabled_account()
    {
        const string email = "pharmacist@dgh.example";
        var (created, output, _) = await AdminAsync("create", "--email", email, "--role", "staff", "--name", "Pharmacist Eto'o");
        Assert.Equal(0, created);
        Assert.Contains($"One-time link for {email} to choose a password (valid an hour):", output, StringComparison.Ordinal);
        var first = PrintedLink(output);
        Assert.Equal(HttpStatusCode.Redirect, await ChoosePasswordAsync(first, "the pharmacy shelf key"));
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(email, "the pharmacy shelf key"));
        Assert.Equal(HttpStatusCode.Gone, await ChoosePasswordAsync(first, "another long password")); // spent
        var (again, _, refusal) = await AdminAsync("create", "--email", email);
        Assert.Equal((1, $"{email} already has an account: use admin reset."), (again, refusal.Trim()));

        string userId;
        await using (var users = Factory.Db())
        {
            userId = await users.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        }
        var token = await Staff.TokenAsync(Factory.Services, userId, Factory.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientWith(token).GetAsync("/api/v1/feedback")).StatusCode);
        var (disabled, disabledOutput, _) = await AdminAsync("disable", "--email", email);
        Assert.Equal(0, disabled);
        Assert.Contains($"{email} is disabled", disabledOutput, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, await SignInAsync(email, "the pharmacy shelf key"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.ClientWith(token).GetAsync("/api/v1/feedback")).StatusCode);

        var (reset, resetOutput, _) = await AdminAsync("reset", "--email", email);
        Assert.Equal(0, reset);
        Assert.Equal(HttpStatusCode.BadRequest, await SignInAsync(email, "the pharmacy shelf key")); // a reset ends the old password at once
        Assert.Equal(HttpStatusCode.Redirect, await ChoosePasswordAsync(PrintedLink(resetOutput), "a brand new shelf key"));
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(email, "a brand new shelf key"));

        var (unknown, _, missing) = await AdminAsync("reset", "--email", "nobody@dgh.example");
        Assert.Equal((1, "No account for nobody@dgh.example."), (unknown, missing.Trim()));
        var (usage, _, help) = await AdminAsync("promote", "--email", email);
        Assert.Equal(2, usage);
        Assert.StartsWith("usage: admin create --email E", help, StringComparison.Ordinal);
        await using var db = Factory.Db();
        Assert.Equal(["disable", "password-reset", "role"], await db.AuditEntries.Where(a => a.Actor == "scripts/admin").Select(a => a.Action).OrderBy(a => a).ToListAsync());
    }

    [Fact]
    public async Task Scripts_run_on_a_database_without_an_admin_prints_a_set_up_link_that_creates_the_first_admin_once()
    {
        var database = "tf_run_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(TestServices.Postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        var port = PrivateServer.FreePort();
        var environment = ServerBinary.Environment(new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = database }.ConnectionString, database + ":");
        environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Given, so that scripts/run makes up none under .local/.
        environment["TWILIO_AUTH_TOKEN"] = AppFactory.AuthToken;
        environment["Ussd__SharedSecret"] = "ussd-secret-for-scripts-run";
        using var server = ServerBinary.StartScript("scripts/run", [], environment);
        var errors = server.StandardError.ReadToEndAsync();
        var printed = new StringBuilder();
        try
        {
            var line = await ServerBinary.WaitForLineAsync(server, l => l.Contains("/account/setup?token=", StringComparison.Ordinal), printed, TimeSpan.FromMinutes(2));
            var output = server.StandardOutput.ReadToEndAsync(); // keep draining
            var link = new Uri(line.Trim());
            Assert.Equal($"http://localhost:{port}/account/setup", link.GetLeftPart(UriPartial.Path));
            Assert.Contains("No admin account yet. Create the first one within an hour, once, at:", printed.ToString(), StringComparison.Ordinal);

            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://localhost:{port}") };
            var (cookie, formToken) = await Staff.FormAsync(client, link.PathAndQuery, "");
            Assert.NotEmpty(formToken);
            var setup = new HttpRequestMessage(HttpMethod.Post, link.PathAndQuery)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["__RequestVerificationToken"] = formToken, ["name"] = "Dr Ndedi", ["email"] = "director@dgh.example", ["password"] = "first admin passphrase",
                }),
            };
            setup.Headers.Add("Cookie", cookie);
            var created = await client.SendAsync(setup);
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
            Assert.Equal("/account", created.Headers.Location?.OriginalString);

            var (session, _) = await Staff.SignInAsync(client, "director@dgh.example", "first admin passphrase");
            var users = new HttpRequestMessage(HttpMethod.Get, "/account/users");
            users.Headers.Add("Cookie", session);
            var page = await client.SendAsync(users);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode); // an admin's page
            Assert.Contains("director@dgh.example", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Gone, (await client.GetAsync(link.PathAndQuery)).StatusCode); // once
            var token = link.Query[(link.Query.IndexOf('=') + 1)..];
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            var everything = printed + await output + await errors;
            Assert.Equal(1, Regex.Count(everything, Regex.Escape(token))); // printed, never logged
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(TestServices.Postgres);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [GeneratedRegex(@"https://feedback\.example\.org/account/password\?token=\S+")]
    private static partial Regex PasswordLink();
}
