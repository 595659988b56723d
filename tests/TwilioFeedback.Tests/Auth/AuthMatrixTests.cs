using System.Net;
using System.Net.Http.Json;
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
        // Needs: staff (staff and admins), admin, studio (translators and admins: staff, who see patient
        // data, are no translators), studio-admin (the studio's live switches and preview numbers).
        (string Method, string Path, string Needs)[] groups =
        [
            ("GET", "/api/v1/feedback", "staff"),
            ("GET", "/api/v1/reminders", "staff"),
            ("GET", "/api/v1/appointments", "staff"),
            ("GET", "/api/v1/appointments?status=declined", "staff"),
            ("GET", "/api/v1/prompts", "staff"),
            ("GET", "/api/v1/feedback/stats?group_by=channel", "staff"),
            ("GET", "/api/v1/feedback/export.csv", "admin"),
            ("GET", "/api/v1/audit", "admin"),
            ("GET", "/api/v1/dashboard", "staff"),
            ("GET", "/api/v1/dashboard/callbacks", "staff"),
            ("GET", "/api/v1/simulator", "staff"),
            ("GET", "/api/v1/studio/languages", "studio"),
            ("GET", "/api/v1/studio/texts/dua", "studio"),
            ("PUT", "/api/v1/studio/texts/dua/Thanks", "studio"),
            ("GET", "/api/v1/studio/texts/dua/Thanks/history", "studio"),
            ("PUT", "/api/v1/studio/live/dua/sms", "studio-admin"),
            ("GET", "/api/v1/studio/preview-numbers", "studio-admin"),
            ("PUT", "/api/v1/studio/preview-numbers", "studio-admin"),
        ];
        foreach (var (method, path, needs) in groups)
        {
            var studio = needs.StartsWith("studio", StringComparison.Ordinal);
            // Let in: a prompt upload creates; setting Duala live meets the live check (nothing is approved yet).
            var admitted = path.Contains("/live/", StringComparison.Ordinal) ? HttpStatusCode.Conflict
                : method == "PUT" && !studio ? HttpStatusCode.Created : HttpStatusCode.OK;
            data.Add(method, path, "none", HttpStatusCode.Unauthorized);
            data.Add(method, path, "expired", HttpStatusCode.Unauthorized);
            data.Add(method, path, "forged", HttpStatusCode.Unauthorized);
            data.Add(method, path, "patient", HttpStatusCode.Forbidden);
            foreach (var kind in new[] { "jwt", "pat", "cookie" })
            {
                data.Add(method, path, "staff:" + kind, needs == "staff" ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
                data.Add(method, path, "admin:" + kind, admitted);
                data.Add(method, path, "translator:" + kind, needs == "studio" ? admitted : HttpStatusCode.Forbidden);
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
            request.Content = path switch
            {
                _ when path.Contains("/studio/texts/", StringComparison.Ordinal) => JsonContent.Create(new { text = "Merci pour votre avis." }),
                _ when path.Contains("/studio/live/", StringComparison.Ordinal) => JsonContent.Create(new { live = true }),
                _ when path.Contains("/studio/preview-numbers", StringComparison.Ordinal) => JsonContent.Create(Array.Empty<object>()),
                _ => new ByteArrayContent(Voice.Tones.Wav(440, 0.1)),
            };
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
