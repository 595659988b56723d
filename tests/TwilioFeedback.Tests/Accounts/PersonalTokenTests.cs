using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>Personal access tokens on the API: beside JWTs, with the owner's role, refused once revoked, expired or disabled.</summary>
public sealed class PersonalTokenTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    [Fact]
    public async Task A_staff_members_personal_token_reads_feedback_and_its_last_use_is_recorded()
    {
        var nurse = await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", "staff");
        var token = await Staff.TokenAsync(Factory.Services, nurse.Id, Factory.Clock.GetUtcNow());
        Assert.StartsWith("tfp_", token, StringComparison.Ordinal);

        var response = await Factory.ClientWith(token).GetAsync("/api/v1/feedback");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = Factory.Db();
        var row = await db.PersonalAccessTokens.SingleAsync();
        Assert.Equal(Factory.Clock.GetUtcNow(), row.LastUsedAt);
        Assert.DoesNotContain(token, row.Hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_or_expired_personal_token_gets_401()
    {
        var nurse = await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", "staff");
        var revoked = await Staff.TokenAsync(Factory.Services, nurse.Id, Factory.Clock.GetUtcNow());
        var expiring = await Staff.TokenAsync(Factory.Services, nurse.Id, Factory.Clock.GetUtcNow(), TimeSpan.FromDays(1));
        await using (var db = Factory.Db())
        {
            var first = await db.PersonalAccessTokens.OrderBy(t => t.Id).FirstAsync();
            first.RevokedAt = Factory.Clock.GetUtcNow();
            await db.SaveChangesAsync();
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.ClientWith(revoked).GetAsync("/api/v1/feedback")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientWith(expiring).GetAsync("/api/v1/feedback")).StatusCode);

        Factory.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        var expired = await Factory.ClientWith(expiring).GetAsync("/api/v1/feedback");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("application/problem+json", expired.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_translators_personal_token_gets_403_on_feedback()
    {
        var translator = await Staff.CreateAsync(Factory.Services, "voice@hospital.cm", "translator");
        var token = await Staff.TokenAsync(Factory.Services, translator.Id, Factory.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.Forbidden, (await Factory.ClientWith(token).GetAsync("/api/v1/feedback")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Factory.ClientWith(token).GetAsync("/api/v1/reminders")).StatusCode);
    }

    [Fact]
    public async Task A_disabled_users_personal_token_gets_401()
    {
        var nurse = await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", "staff");
        var token = await Staff.TokenAsync(Factory.Services, nurse.Id, Factory.Clock.GetUtcNow());
        await using (var db = Factory.Db())
        {
            await db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, true));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.ClientWith(token).GetAsync("/api/v1/feedback")).StatusCode);
    }

    [Fact]
    public async Task A_cookie_session_post_without_the_antiforgery_token_is_refused_and_with_it_is_accepted()
    {
        await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", "staff");
        var client = Staff.RawClient(Factory);
        var (cookie, csrf) = await Staff.SignInAsync(client, "nurse@hospital.cm");
        var body = new { patient_id = "PAT-CSRF", language = "en", content = "ok", rating = 4 };

        var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(body) };
        forged.Headers.Add("Cookie", cookie);
        var refused = await client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        var real = new HttpRequestMessage(HttpMethod.Post, "/api/v1/feedback") { Content = JsonContent.Create(body) };
        real.Headers.Add("Cookie", cookie);
        real.Headers.Add("X-CSRF-TOKEN", csrf);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(real)).StatusCode);
        await using var db = Factory.Db();
        Assert.Equal(1, await db.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task The_sign_in_form_posted_without_its_antiforgery_token_is_refused()
    {
        await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", "staff");
        var response = await Staff.RawClient(Factory).PostAsync("/account/signin",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "nurse@hospital.cm", ["password"] = Staff.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("tf_session=", StringComparison.Ordinal)));
        Assert.Contains("This form has expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
