using System.Net;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>Two servers on one database: the data-protection keys live in PostgreSQL, so one's cookie opens the other.</summary>
public sealed class TwoInstanceTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    [Fact]
    public async Task A_session_cookie_made_by_one_instance_is_accepted_by_another_on_the_same_database()
    {
        await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", "staff");
        var (cookie, _) = await Staff.SignInAsync(Staff.RawClient(Factory), "nurse@hospital.cm");
        await using var second = Factory.WithWebHostBuilder(_ => { });
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dashboard");
        request.Headers.Add("Cookie", cookie);

        var response = await Staff.RawClient(second).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stranger = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dashboard");
        stranger.Headers.Add("Cookie", "tf_session=CfDJ8forged");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Staff.RawClient(second).SendAsync(stranger)).StatusCode);
    }
}
