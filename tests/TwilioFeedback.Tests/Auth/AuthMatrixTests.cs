using System.Net;
using TwilioFeedback.Tests.Accounts;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Auth;

/// <summary>
/// Who gets in, per endpoint group: no token, expired, forged, wrong role, right role — and each role
/// (admin, staff, translator) by each credential kind: JWT, personal access token, session cookie.
/// </summary>
public sealed class AuthMatrixTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    public static TheoryData<string, string, string, HttpStatusCode> Matrix()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        (string Method, string Path, string Needs)[] groups =
        [
            ("GET", "/api/v1/feedback", "staff"),
            ("GET", "/api/v1/reminders", "staff"),
            ("GET", "/api/v1/prompts", "staff"),
            ("GET", "/api/v1/feedback/stats?group_by=channel", "staff"),
            ("GET", "/api/v1/feedback/export.csv", "admin"),
            ("GET", "/api/v1/audit", "admin"),
            ("GET", "/api/v1/dashboard", "staff"),
            ("GET", "/api/v1/simulator", "staff"),
        ];
        foreach (var (method, path, needs) in groups)
        {
            data.Add(method, path, "none", HttpStatusCode.Unauthorized);
            data.Add(method, path, "expired", HttpStatusCode.Unauthorized);
            data.Add(method, path, "forged", HttpStatusCode.Unauthorized);
            data.Add(method, path, "patient", HttpStatusCode.Forbidden);
            foreach (var kind in new[] { "jwt", "pat", "cookie" })
            {
                data.Add(method, path, "staff:" + kind, needs == "admin" ? HttpStatusCode.Forbidden : HttpStatusCode.OK);
                data.Add(method, path, "admin:" + kind, method == "PUT" ? HttpStatusCode.Created : HttpStatusCode.OK);
                data.Add(method, path, "translator:" + kind, HttpStatusCode.Forbidden);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_group_lets_in_only_the_right_role(string method, string path, string who, HttpStatusCode expected)
    {
        var (role, kind) = who.Split(':') is [var r, var k] ? (r, k) : (who, "jwt");
        var token = who switch
        {
            "none" => null,
            "expired" => AppFactory.Token("admin", issued: AppFactory.Start.AddDays(-10), lifetime: TimeSpan.FromDays(1)),
            "forged" => AppFactory.Token("admin", secret: "another-secret-key-of-some-length"),
            _ when kind == "jwt" => AppFactory.Token(role),
            _ => null,
        };
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT")
        {
            request.Content = new ByteArrayContent(Voice.Tones.Wav(440, 0.1));
        }
        var client = Factory.ClientWith(token);
        if (kind is "pat" or "cookie")
        {
            var user = await Staff.CreateAsync(Factory.Services, role + "@hospital.cm", role);
            if (kind == "pat")
            {
                request.Headers.Authorization = new("Bearer", await Staff.TokenAsync(Factory.Services, user.Id, Factory.Clock.GetUtcNow()));
            }
            else
            {
                client = Staff.RawClient(Factory);
                var (cookie, csrf) = await Staff.SignInAsync(client, role + "@hospital.cm");
                request.Headers.Add("Cookie", cookie);
                request.Headers.Add("X-CSRF-TOKEN", csrf);
            }
        }
        var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Webhooks_and_health_need_no_token()
    {
        var anonymous = Factory.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        var sms = await anonymous.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690000088", "hi"));
        Assert.Equal(HttpStatusCode.OK, sms.StatusCode);
    }
}
