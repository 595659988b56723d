using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;

namespace TwilioFeedback.Tests.TwilioSetup;

/// <summary>The server with Twilio's REST and Messaging APIs on one stub.</summary>
public sealed class TwilioSetupFactory : TwilioApiFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Twilio:MessagingApiBaseUrl"] = ApiBaseUrl;
            return settings;
        }
    }
}

/// <summary>The admin's view of the number at Twilio and of the webhooks that reach the server.</summary>
public sealed class TwilioNumberAdminTests(TwilioSetupFactory factory) : IntegrationTest<TwilioSetupFactory>(factory)
{
    private const string Base = AppFactory.PublicBaseUrl;

    [Fact]
    public async Task An_admin_sees_the_numbers_wrong_urls_and_apply_sets_them_at_twilio()
    {
        Factory.TwilioApi.Account(TwilioStub.Number("https://old-server.example.net"));
        Factory.TwilioApi.Given(Request.Create().WithPath(TwilioStub.NumberPath).UsingPost()).RespondWith(TwilioStub.Json(200, TwilioStub.Number(Base)));

        var shown = await Client.GetFromJsonAsync<JsonElement>("/api/v1/admin/twilio-number");
        Assert.Equal("differs", shown.GetProperty("outcome").GetString());
        var smsUrl = shown.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "SmsUrl");
        Assert.Equal("https://old-server.example.net/twilio/sms", smsUrl.GetProperty("current").GetString());
        Assert.Equal($"{Base}/twilio/sms", smsUrl.GetProperty("expected").GetString());
        Assert.False(smsUrl.GetProperty("matches").GetBoolean());

        var applied = await Client.PostAsync("/api/v1/admin/twilio-number", null);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal("applied", (await applied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal($"{Base}/twilio/voice", Assert.Single(Factory.TwilioApi.Posts(TwilioStub.NumberPath))["VoiceUrl"]);
    }

    [Fact]
    public async Task Twilio_refusing_the_credentials_is_a_502_problem_without_the_token()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(TwilioStub.NumbersPath).UsingGet())
            .RespondWith(TwilioStub.Json(401, new { code = 20003, message = "Authenticate", status = 401 }));

        var response = await Client.GetAsync("/api/v1/admin/twilio-number");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Twilio refused the credentials", body, StringComparison.Ordinal);
        Assert.DoesNotContain(AppFactory.AuthToken, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Factory.Logs.Lines, line => line.Contains(AppFactory.AuthToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staff_who_are_not_admins_may_neither_see_nor_apply()
    {
        var staff = Factory.ClientWith(AppFactory.Token("staff"));

        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/v1/admin/twilio-number")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync("/api/v1/admin/twilio-number", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/v1/admin/webhooks")).StatusCode);
        Assert.Empty(Factory.TwilioApi.LogEntries);
    }

    [Fact]
    public async Task The_last_sms_webhook_is_shown_with_its_signature_and_a_bad_one_raises_the_warning()
    {
        var before = await Client.GetFromJsonAsync<JsonElement>("/api/v1/admin/webhooks");
        Assert.False(before.GetProperty("bad_signature_warning").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237670000001", "Hello"))).StatusCode);
        var signed = await Client.GetFromJsonAsync<JsonElement>("/api/v1/admin/webhooks");
        var sms = Channel(signed, "sms");
        Assert.True(sms.GetProperty("last_signature_valid").GetBoolean());
        Assert.Equal(AppFactory.Start, sms.GetProperty("last_seen_at").GetDateTimeOffset());
        Assert.False(signed.GetProperty("bad_signature_warning").GetBoolean());
        Assert.False(Channel(signed, "voice").TryGetProperty("last_seen_at", out _)); // never seen

        Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var forged = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237670000001", "Hello"), signature: "bm90IGEgc2lnbmF0dXJl");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        var after = await Client.GetFromJsonAsync<JsonElement>("/api/v1/admin/webhooks");
        sms = Channel(after, "sms");
        Assert.False(sms.GetProperty("last_signature_valid").GetBoolean());
        Assert.Equal(AppFactory.Start, sms.GetProperty("last_valid_at").GetDateTimeOffset());
        Assert.Equal(AppFactory.Start.AddMinutes(1), sms.GetProperty("last_rejected_at").GetDateTimeOffset());
        Assert.True(after.GetProperty("bad_signature_warning").GetBoolean());
    }

    private static JsonElement Channel(JsonElement report, string channel) =>
        report.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == channel);
}
