using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Webhooks.Accounts;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>Accounts for tests: a user with a role and a password, a personal token, a session signed in through the real page.</summary>
public static partial class Staff
{
    public const string Password = "correct horse battery";

    public static async Task<StaffUser> CreateAsync(IServiceProvider services, string email, string role, string? password = Password)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = email, Email = email, DisplayName = email.Split('@')[0] };
        var created = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        await UserEndpoints.SetRoleAsync(users, scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>(), user, role);
        return user;
    }

    public static async Task<string> TokenAsync(IServiceProvider services, string userId, DateTimeOffset now, TimeSpan? lifetime = null)
    {
        await using var scope = services.CreateAsyncScope();
        return await PersonalAccessTokens.CreateAsync(scope.ServiceProvider.GetRequiredService<FeedbackDbContext>(), userId, "test", now, lifetime ?? TimeSpan.FromDays(30), CancellationToken.None);
    }

    /// <summary>A client that keeps no cookies and follows no redirects: the test carries them.</summary>
    public static HttpClient RawClient(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

    /// <summary>Signs in through <c>/account/signin</c> as a browser does; returns the Cookie header and the antiforgery token for API calls.</summary>
    public static async Task<(string Cookie, string Csrf)> SignInAsync(HttpClient client, string email, string password = Password)
    {
        var (cookie, formToken) = await FormAsync(client, "/account/signin", "");
        var post = new HttpRequestMessage(HttpMethod.Post, "/account/signin?returnUrl=/account")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = formToken, ["email"] = email, ["password"] = password }),
        };
        post.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        cookie = Merge(cookie, response);
        var csrf = new HttpRequestMessage(HttpMethod.Get, "/account/csrf");
        csrf.Headers.Add("Cookie", cookie);
        var answer = await client.SendAsync(csrf);
        cookie = Merge(cookie, answer);
        var token = (await answer.Content.ReadFromJsonAsync<CsrfAnswer>())!.Token;
        return (cookie, token);
    }

    /// <summary>Opens a page with a form: the cookies it sets and the form's antiforgery token.</summary>
    public static async Task<(string Cookie, string FormToken)> FormAsync(HttpClient client, string path, string cookie)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie.Length > 0)
        {
            get.Headers.Add("Cookie", cookie);
        }
        var page = await client.SendAsync(get);
        var html = await page.Content.ReadAsStringAsync();
        return (Merge(cookie, page), FormToken().Match(html).Groups[1].Value);
    }

    private static string Merge(string cookie, HttpResponseMessage response)
    {
        var jar = cookie.Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
        {
            foreach (var pair in set.Select(c => c.Split(';')[0].Split('=', 2)))
            {
                jar[pair[0]] = pair[1];
            }
        }
        return string.Join("; ", jar.Select(p => p.Key + "=" + p.Value));
    }

    private sealed record CsrfAnswer(string Token);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
