using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Accounts;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>Small sign-in budgets, and each request's caller address taken from a test header (TestServer has none).</summary>
public sealed class SignInBudgetFactory : AppFactory
{
    public const string AddressHeader = "X-Test-Caller-Address";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:SignInPermitsPerMinute"] = "6",
        ["RateLimits:SignInPermitsPerAccountPerMinute"] = "3",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, CallerAddressFromHeader>());
    }

    private sealed class CallerAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>RateLimits:SignInPermitsPerMinute per address and RateLimits:SignInPermitsPerAccountPerMinute per account: past either, the sign-in page again with a polite message and 429.</summary>
public sealed class SignInBudgetTests(SignInBudgetFactory factory) : IntegrationTest<SignInBudgetFactory>(factory)
{
    private async Task<HttpResponseMessage> SignInAsync(string address, string email, string password = "not the password")
    {
        var client = Staff.RawClient(Factory);
        var (cookie, formToken) = await Staff.FormAsync(client, "/account/signin", "");
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/signin?returnUrl=/account")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = formToken, ["email"] = email, ["password"] = password }),
        };
        post.Headers.Add("Cookie", cookie);
        post.Headers.Add(SignInBudgetFactory.AddressHeader, address);
        return await client.SendAsync(post);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "no Retry-After");
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(AccountEndpoints.TooManyAttempts, page, StringComparison.Ordinal);
        Assert.Contains("name=\"password\"", page, StringComparison.Ordinal); // the form again, to try later
    }

    [Fact]
    public async Task An_account_tried_past_its_budget_from_several_addresses_gets_429_while_another_account_still_signs_in()
    {
        await Staff.CreateAsync(Factory.Services, "nurse@dgh.example", "staff");
        await Staff.CreateAsync(Factory.Services, "midwife@dgh.example", "staff");
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var failed = await SignInAsync("10.1.0." + attempt, "nurse@dgh.example");
            Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
            Assert.Contains(AccountEndpoints.SignInFailed, await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A fourth address, the right password, the email in capitals: the account's minute is spent.
        await AssertTooManyAsync(await SignInAsync("10.1.0.4", "NURSE@dgh.example", Staff.Password));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync("10.1.0.4", "midwife@dgh.example", Staff.Password)).StatusCode);
        // An email without an account is counted the same way, so the answer tells nothing.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync("10.1.1." + attempt, "nobody@dgh.example")).StatusCode);
        }
        await AssertTooManyAsync(await SignInAsync("10.1.1.4", "nobody@dgh.example"));
    }

    [Fact]
    public async Task An_address_past_its_budget_gets_429_on_the_sign_in_and_password_pages_while_another_address_signs_in()
    {
        await Staff.CreateAsync(Factory.Services, "ward@dgh.example", "staff");
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await SignInAsync("10.2.0.1", $"guess{attempt}@dgh.example")).StatusCode);
        }

        await AssertTooManyAsync(await SignInAsync("10.2.0.1", "ward@dgh.example", Staff.Password));
        var client = Staff.RawClient(Factory);
        var (cookie, formToken) = await Staff.FormAsync(client, "/account/signin", "");
        var password = new HttpRequestMessage(HttpMethod.Post, "/account/password?token=whatever")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = formToken, ["password"] = "a new long password" }),
        };
        password.Headers.Add("Cookie", cookie);
        password.Headers.Add(SignInBudgetFactory.AddressHeader, "10.2.0.1");
        var refused = await client.SendAsync(password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains(AccountEndpoints.TooManyAttempts, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync("10.2.0.2", "ward@dgh.example", Staff.Password)).StatusCode);
    }
}
