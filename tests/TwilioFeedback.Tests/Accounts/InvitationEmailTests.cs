using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>An invitation whose email cannot go (SMTP down): the users page says so and shows the link once instead.</summary>
public sealed partial class InvitationEmailTests(SmtpDownFactory factory) : IntegrationTest<SmtpDownFactory>(factory)
{
    [Fact]
    public async Task An_invitation_the_mail_server_did_not_take_is_reported_and_its_link_shown_once_to_copy()
    {
        await Staff.CreateAsync(Factory.Services, "admin@hospital.cm", StaffRoles.Admin);
        var client = Staff.RawClient(Factory);
        var (cookie, _) = await Staff.SignInAsync(client, "admin@hospital.cm");
        var (pageCookie, formToken) = await Staff.FormAsync(client, "/account/users", cookie);
        var invite = new HttpRequestMessage(HttpMethod.Post, "/account/users/invite")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = formToken, ["name"] = "Basaa Translator", ["email"] = "basaa@hospital.cm", ["role"] = StaffRoles.Translator,
            }),
        };
        invite.Headers.Add("Cookie", pageCookie);
        var answer = await client.SendAsync(invite);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var html = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
        Assert.Contains("role=\"alert\"><p data-t=\"acct.users.emailfailed\">The invitation email could not be sent", html, StringComparison.Ordinal);
        var link = new Uri(Link().Match(html).Groups[1].Value);
        var opened = await client.GetAsync(link.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("Choose your password", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = Factory.Db();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "invite-unsent" && a.Actor == "admin@hospital.cm"));
        Assert.DoesNotContain(Factory.Logs.Lines, line => line.Contains("basaa@hospital.cm", StringComparison.Ordinal));
    }

    [GeneratedRegex("id=\"one-time-link\" readonly value=\"([^\"]+)\"")]
    private static partial Regex Link();
}
