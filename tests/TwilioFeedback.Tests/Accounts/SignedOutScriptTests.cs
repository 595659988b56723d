using System.Net;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>
/// A page's script that is signed out gets a status, not the sign-in page: a fetch that followed the
/// redirect rendered the sign-in form and set an antiforgery cookie of its own beside the one of the page
/// the browser was going to, and the sign-in that followed could get "Form expired".
/// </summary>
public sealed class SignedOutScriptTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    [Fact]
    public async Task A_signed_out_script_asking_who_is_signed_in_gets_401_and_no_sign_in_page_with_its_own_antiforgery_cookie()
    {
        var client = Staff.RawClient(Factory);
        var me = new HttpRequestMessage(HttpMethod.Get, "/account/me");
        me.Headers.Accept.ParseAdd("application/json");
        var answer = await client.SendAsync(me);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Set-Cookie"));
        Assert.Null(answer.Headers.Location);

        // A person's browser opening an account page still goes to the sign-in page.
        var page = new HttpRequestMessage(HttpMethod.Get, "/account/tokens");
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var navigation = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, navigation.StatusCode);
        Assert.StartsWith("/account/signin", navigation.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
