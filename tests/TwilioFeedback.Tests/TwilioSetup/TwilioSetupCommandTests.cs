using Microsoft.Extensions.Configuration;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Twilio.Setup;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace TwilioFeedback.Tests.TwilioSetup;

/// <summary><c>scripts/twilio-setup</c> (the server binary's <c>twilio-setup</c> command) against a stub of Twilio's API.</summary>
public sealed class TwilioSetupCommandTests : IDisposable
{
    private const string Base = AppFactory.PublicBaseUrl;
    private const string OldBase = "https://old-server.example.net";

    private readonly WireMockServer _twilio = WireMockServer.Start();

    public void Dispose() => _twilio.Stop();

    private async Task<(int ExitCode, string Output)> RunAsync(string[] args, string? publicBaseUrl = Base, bool credentials = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:PhoneNumber"] = TwilioRequests.HospitalNumber,
            ["Twilio:ApiBaseUrl"] = _twilio.Urls[0],
            ["Twilio:MessagingApiBaseUrl"] = _twilio.Urls[0],
            ["Webhooks:PublicBaseUrl"] = publicBaseUrl,
        };
        if (credentials)
        {
            settings["Twilio:AccountSid"] = TwilioRequests.AccountSid;
            settings["Twilio:AuthToken"] = AppFactory.AuthToken;
        }
        var output = new StringWriter();
        var exitCode = await TwilioSetupCommand.RunAsync(args, new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), output, CancellationToken.None);
        Assert.DoesNotContain(AppFactory.AuthToken, output.ToString(), StringComparison.Ordinal);
        return (exitCode, output.ToString());
    }

    [Fact]
    public async Task A_number_left_on_the_old_server_is_shown_and_apply_posts_this_servers_urls_to_twilio()
    {
        _twilio.Account(TwilioStub.Number(OldBase));
        _twilio.Given(Request.Create().WithPath(TwilioStub.NumberPath).UsingPost()).RespondWith(TwilioStub.Json(200, TwilioStub.Number(Base)));

        var (shown, output) = await RunAsync([]);
        Assert.Equal(0, shown);
        Assert.Contains($"{OldBase}/twilio/sms", output, StringComparison.Ordinal);
        Assert.Contains($"{Base}/twilio/sms", output, StringComparison.Ordinal);
        Assert.Contains("3 setting(s) differ. Run with --apply", output, StringComparison.Ordinal);
        Assert.Empty(_twilio.Posts(TwilioStub.NumberPath));

        var (applied, after) = await RunAsync(["--apply"]);
        Assert.Equal(0, applied);
        Assert.Contains("Set: Twilio now sends", after, StringComparison.Ordinal);
        var form = Assert.Single(_twilio.Posts(TwilioStub.NumberPath));
        Assert.Equal(new Dictionary<string, string>
        {
            ["SmsUrl"] = $"{Base}/twilio/sms", ["SmsMethod"] = "POST",
            ["VoiceUrl"] = $"{Base}/twilio/voice", ["VoiceMethod"] = "POST",
            ["StatusCallback"] = $"{Base}/twilio/status/call", ["StatusCallbackMethod"] = "POST",
        }, form);
        var auth = _twilio.LogEntries.Last(e => e.RequestMessage.Path == TwilioStub.NumberPath).RequestMessage.Headers!["Authorization"].Single();
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{TwilioRequests.AccountSid}:{AppFactory.AuthToken}")), auth);
    }

    [Fact]
    public async Task A_number_in_a_messaging_service_whose_webhook_wins_has_the_service_set_too()
    {
        _twilio.Account(TwilioStub.Number(Base), TwilioStub.Service(OldBase + "/sms", usesNumberWebhook: false));
        _twilio.Given(Request.Create().WithPath(TwilioStub.ServicePath).UsingPost())
            .RespondWith(TwilioStub.Json(200, TwilioStub.Service(Base + "/twilio/sms", usesNumberWebhook: false)));

        var (check, output) = await RunAsync(["--check"]);
        Assert.Equal(1, check);
        Assert.Contains($"In Messaging Service {TwilioStub.ServiceSid} (\"Hospital senders\"), whose inbound webhook wins", output, StringComparison.Ordinal);
        Assert.Matches(@"messaging_service\s+InboundRequestUrl\s+https://old-server\.example\.net/sms\s+https://feedback\.example\.org/twilio/sms\s+DIFFERS", output);

        var (applied, _) = await RunAsync(["--apply"]);
        Assert.Equal(0, applied);
        Assert.Empty(_twilio.Posts(TwilioStub.NumberPath)); // the number itself was right
        Assert.Equal(new Dictionary<string, string> { ["InboundRequestUrl"] = $"{Base}/twilio/sms", ["InboundMethod"] = "POST" },
            Assert.Single(_twilio.Posts(TwilioStub.ServicePath)));
    }

    [Fact]
    public async Task A_messaging_service_that_uses_the_numbers_webhook_is_named_and_left_alone()
    {
        _twilio.Account(TwilioStub.Number(Base), TwilioStub.Service(OldBase + "/sms", usesNumberWebhook: true));

        var (check, output) = await RunAsync(["--check"]);

        Assert.Equal(0, check);
        Assert.Contains("which uses the number's own webhook", output, StringComparison.Ordinal);
        Assert.Contains("Everything is set as it should be.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_exits_0_when_in_sync_and_1_when_anything_differs()
    {
        _twilio.Account(TwilioStub.Number(Base));
        Assert.Equal(0, (await RunAsync(["--check"])).ExitCode);

        _twilio.Reset();
        _twilio.Account(TwilioStub.Number(null));
        var (differs, output) = await RunAsync(["--check"]);
        Assert.Equal(1, differs);
        Assert.Contains("(none)", output, StringComparison.Ordinal);
        Assert.Empty(_twilio.Posts(TwilioStub.NumberPath)); // --check never changes anything
    }

    [Fact]
    public async Task An_unknown_number_exits_3_naming_the_number()
    {
        _twilio.Account(number: null);

        var (exitCode, output) = await RunAsync(["--apply"]);

        Assert.Equal(3, exitCode);
        Assert.Contains($"The account has no number {TwilioRequests.HospitalNumber}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_401_from_twilio_exits_4_with_a_clear_message_and_no_token()
    {
        _twilio.Given(Request.Create().WithPath(TwilioStub.NumbersPath).UsingGet())
            .RespondWith(TwilioStub.Json(401, new { code = 20003, message = "Authenticate", more_info = "https://www.twilio.com/docs/errors/20003", status = 401 }));

        var (exitCode, output) = await RunAsync([]);

        Assert.Equal(4, exitCode);
        Assert.Contains("Twilio refused the credentials: check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_twilio_server_error_exits_5()
    {
        _twilio.Given(Request.Create().WithPath(TwilioStub.NumbersPath).UsingGet())
            .RespondWith(TwilioStub.Json(400, new { code = 20001, message = "Invalid PhoneNumber", status = 400 }));

        var (exitCode, output) = await RunAsync([]);

        Assert.Equal(5, exitCode);
        Assert.Contains("Twilio answered 400 (error 20001): Invalid PhoneNumber.", output, StringComparison.Ordinal);
    }

    public static TheoryData<string?, string> RefusedBaseUrls => new()
    {
        { "http://feedback.example.org", "is not https" },
        { "https://10.1.2.3", "is a private address" },
        { "https://172.20.0.5:8443", "is a private address" },
        { "https://192.168.1.10", "is a private address" },
        { "https://169.254.10.1", "is a private address" },
        { "https://[fd00::1]", "is a private address" },
        { "https://127.0.0.1", "is this machine (localhost)" },
        { "http://localhost:8080", "is this machine (localhost)" },
        { "https://feedback.local", "names a host only a local network knows" },
        { "https://twilio.internal", "names a host only a local network knows" },
        { "https://feedback.example.org?x=1", "must be a plain base URL" },
        { null, "PUBLIC_BASE_URL is not set" },
    };

    [Theory]
    [MemberData(nameof(RefusedBaseUrls))]
    public async Task A_public_base_url_twilio_cannot_call_is_refused_with_exit_2(string? publicBaseUrl, string reason)
    {
        _twilio.Account(TwilioStub.Number(OldBase));

        var (exitCode, output) = await RunAsync(["--apply"], publicBaseUrl);

        Assert.Equal(2, exitCode);
        Assert.Contains(reason, output, StringComparison.Ordinal);
        Assert.Empty(_twilio.LogEntries); // nothing asked of Twilio
    }

    [Fact]
    public async Task Without_credentials_it_is_a_dry_run_that_shows_what_it_would_set_even_for_localhost()
    {
        var (exitCode, output) = await RunAsync(["--apply"], "http://localhost:8080", credentials: false);

        Assert.Equal(0, exitCode);
        Assert.Contains("Dry run", output, StringComparison.Ordinal);
        Assert.Contains("http://localhost:8080/twilio/voice", output, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", output, StringComparison.Ordinal);
        Assert.Empty(_twilio.LogEntries);
        Assert.Equal(2, (await RunAsync(["--check"], credentials: false)).ExitCode);
    }

    [Theory]
    [InlineData("--force")]
    [InlineData("--apply", "--check")]
    public async Task Unknown_arguments_print_the_usage_and_exit_2(params string[] args)
    {
        var (exitCode, output) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("usage: twilio-setup", output, StringComparison.Ordinal);
    }
}
