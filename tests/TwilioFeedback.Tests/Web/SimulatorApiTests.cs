using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;

namespace TwilioFeedback.Tests.Web;

/// <summary>The simulator endpoint: staff only, and every step signed and checked by the real webhooks.</summary>
public sealed class SimulatorApiTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>, IAsyncLifetime
{
    // One of the simulator's reserved test numbers (Simulator:TestNumbers, default +2370000…).
    private const string Patient = "+237000000042";

    private PatientTexts Texts => factory.Services.GetRequiredService<PatientTexts>();

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonElement> SendAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/simulator/send", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("guest", HttpStatusCode.Forbidden)]
    [InlineData("staff", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task The_simulator_is_for_staff_outside_development(string? role, HttpStatusCode expected)
    {
        using var client = factory.SocketClient(role is null ? null : AppFactory.Token(role));
        Assert.Equal(expected, (await client.GetAsync("/api/v1/simulator")).StatusCode);
        var send = await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "sms", from = Patient, text = "hello" });
        Assert.Equal(expected, send.StatusCode);
    }

    [Fact]
    public async Task An_sms_conversation_answers_each_message_with_its_segments_and_cost_and_stores_the_feedback()
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        var config = await client.GetFromJsonAsync<JsonElement>("/api/v1/simulator");
        Assert.Equal("USD", config.GetProperty("currency").GetString());
        Assert.True(config.GetProperty("signs_requests").GetBoolean());

        var menu = await SendAsync(client, new { channel = "sms", from = Patient, text = "hello" });
        Assert.Equal(200, menu.GetProperty("status").GetInt32());
        var message = menu.GetProperty("messages")[0];
        var expected = StudioSteps.Menu(Texts, Language.English);
        Assert.Equal(expected, message.GetProperty("text").GetString());
        var cost = SmsSegments.Count(expected);
        Assert.Equal((cost.Segments, "UCS-2"), (message.GetProperty("segments").GetInt32(), message.GetProperty("encoding").GetString()));
        Assert.Equal(cost.Segments * 0.05m, message.GetProperty("cost").GetDecimal());

        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.English), (await SendAsync(client, new { channel = "sms", from = Patient, text = "1" })).GetProperty("messages")[0].GetProperty("text").GetString());
        var ask = await SendAsync(client, new { channel = "sms", from = Patient, text = "4" });
        Assert.Equal("GSM-7", ask.GetProperty("messages")[0].GetProperty("encoding").GetString());
        await SendAsync(client, new { channel = "sms", from = Patient, text = "Kind nurses" });

        await using var db = factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal((4, "sms", "Kind nurses"), (feedback.Rating, feedback.Channel, feedback.Content));
        // Speaking for a number is audited: who, which channel, the number masked.
        Assert.Equal(4, await db.AuditEntries.CountAsync(a => a.Action == "simulate" && a.Actor == "Test Nurse" && a.Target == "sms " + TwilioFeedback.Persistence.Privacy.Mask.Phone(Patient)));
    }

    [Fact]
    public async Task A_whatsapp_message_shows_its_segments_but_no_sms_price()
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        var answer = await SendAsync(client, new { channel = "whatsapp", from = Patient, text = "hello" });
        var message = answer.GetProperty("messages")[0];
        Assert.Equal(1, message.GetProperty("segments").GetInt32());
        Assert.False(message.TryGetProperty("cost", out _));
        Assert.False(answer.TryGetProperty("total_cost", out _));
        await SendAsync(client, new { channel = "whatsapp", from = Patient, text = "2" });
        await SendAsync(client, new { channel = "whatsapp", from = Patient, text = "5" });

        await using var db = factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal((5, "whatsapp", "fr"), (feedback.Rating, feedback.Channel, feedback.Language));
    }

    [Fact]
    public async Task A_call_answers_with_what_is_said_and_the_next_step_to_send_keys_to()
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        var menu = await SendAsync(client, new { channel = "voice", from = Patient });
        var callSid = menu.GetProperty("session_id").GetString();
        Assert.StartsWith("CA", callSid);
        var steps = menu.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(("say", "For English, press 1.", "en-US"), (steps[0].GetProperty("kind").GetString(), steps[0].GetProperty("text").GetString(), steps[0].GetProperty("language").GetString()));
        Assert.Equal("gather", steps[^1].GetProperty("kind").GetString());
        Assert.False(menu.GetProperty("ended").GetBoolean());

        var rating = await SendAsync(client, new { channel = "voice", from = Patient, session_id = callSid, step = menu.GetProperty("next_step").GetInt32(), digits = "1" });
        Assert.Equal(Texts.Get("Voice_AskRating", Language.English), rating.GetProperty("steps")[0].GetProperty("text").GetString());
        var comment = await SendAsync(client, new { channel = "voice", from = Patient, session_id = callSid, step = rating.GetProperty("next_step").GetInt32(), digits = "2" });
        Assert.Contains(comment.GetProperty("steps").EnumerateArray(), s => s.GetProperty("kind").GetString() == "record");
        var thanks = await SendAsync(client, new { channel = "voice", from = Patient, session_id = callSid, step = comment.GetProperty("next_step").GetInt32(), digits = "*" });
        Assert.True(thanks.GetProperty("ended").GetBoolean());
        Assert.Equal("hangup", thanks.GetProperty("steps").EnumerateArray().Last().GetProperty("kind").GetString());

        await using var db = factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal((2, "voice"), (feedback.Rating, feedback.Channel));
    }

    [Fact]
    public async Task A_server_whose_token_differs_rejects_the_simulators_requests_and_the_page_is_told_403()
    {
        // A second server signs with another token and posts to this one, which checks with its own.
        var address = factory.Address.ToString();
        await using var wrong = factory.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Twilio:AuthToken"] = "not-the-token-the-webhooks-check",
                ["Simulator:BaseAddress"] = address,
            })));
        using var client = wrong.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("staff"));

        var answer = await SendAsync(client, new { channel = "sms", from = Patient, text = "5" });
        Assert.Equal(403, answer.GetProperty("status").GetInt32());
        Assert.Equal("Invalid Twilio signature.", answer.GetProperty("error").GetString());
        Assert.Empty(answer.GetProperty("messages").EnumerateArray());

        await using var db = factory.Db();
        Assert.Equal(0, await db.Feedbacks.CountAsync());
        Assert.Equal(0, await db.Patients.CountAsync());
    }

    private WebApplicationFactory<Program> With(params (string Key, string Value)[] settings) =>
        From(null, settings);

    [Fact]
    public async Task Without_a_twilio_auth_token_the_simulator_says_why_instead_of_signing_with_a_made_up_key()
    {
        await using var dryRun = With(("Twilio:AccountSid", ""), ("Twilio:AuthToken", ""));
        using var client = dryRun.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("staff"));
        var response = await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "sms", from = Patient, text = "hello" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("TWILIO_AUTH_TOKEN", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/simulator")).GetProperty("signs_requests").GetBoolean());
    }

    [Fact]
    public async Task A_local_run_may_open_the_simulator_without_a_token_but_not_the_rest_of_the_api()
    {
        await using var local = With(("Simulator:AllowAnonymous", "true"));
        using var client = local.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/simulator")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/dashboard")).StatusCode);
    }

    [Fact]
    public async Task An_unreachable_base_address_is_a_bad_gateway_that_names_the_setting()
    {
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there any more
        await using var lost = With(("Simulator:BaseAddress", $"http://127.0.0.1:{port}"));
        using var client = lost.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("staff"));
        var response = await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "sms", from = Patient, text = "hello" });
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Simulator:BaseAddress", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task In_development_the_simulator_needs_no_token()
    {
        await using var development = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        using var client = development.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/simulator")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/feedback")).StatusCode);
    }

    [Fact]
    public async Task A_recorded_prompt_is_played_from_this_servers_own_address()
    {
        using var admin = factory.SocketClient(AppFactory.Token("admin"));
        await Voice.ApprovedPrompts.AddAsync(factory, "en", "Voice_LanguageOption", Voice.Tones.Wav(440, 1.0));
        var menu = await SendAsync(admin, new { channel = "voice", from = Patient });
        var first = menu.GetProperty("steps")[0];
        Assert.Equal(("play", "/prompts/en/Voice_LanguageOption"), (first.GetProperty("kind").GetString(), first.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task A_ussd_session_answers_screens_until_end()
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        var menu = await SendAsync(client, new { channel = "ussd", from = Patient, text = "" });
        var session = menu.GetProperty("session_id").GetString();
        Assert.Equal(StudioSteps.Menu(Texts, Language.English), menu.GetProperty("messages")[0].GetProperty("text").GetString());
        Assert.False(menu.GetProperty("ended").GetBoolean());
        await SendAsync(client, new { channel = "ussd", from = Patient, session_id = session, text = "2" });
        await SendAsync(client, new { channel = "ussd", from = Patient, session_id = session, text = "2*5" });
        var end = await SendAsync(client, new { channel = "ussd", from = Patient, session_id = session, text = "2*5*0" });
        Assert.True(end.GetProperty("ended").GetBoolean());
        Assert.Equal(Texts.Get(MessageKeys.Thanks, Language.French), end.GetProperty("messages")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("fax", "+237000000042", "channel")]
    [InlineData("sms", "not a number", "from")]
    public async Task Bad_steps_get_a_validation_problem(string channel, string from, string field)
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        var response = await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel, from, text = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Patient_numbers_and_texts_sent_through_the_simulator_stay_out_of_the_logs()
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        await SendAsync(client, new { channel = "sms", from = "+237000009876", text = "secret words here" });
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("000009876", StringComparison.Ordinal) || l.Contains("secret words here", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(AppFactory.AuthToken, StringComparison.Ordinal));
    }

    /// <summary>The app as reached from <paramref name="address"/> (what Kestrel would report; null: as the test host leaves it), with <paramref name="settings"/>.</summary>
    /// <remarks>The in-process host has no address of its own: the simulator posts to the socket server's.</remarks>
    private WebApplicationFactory<Program> From(IPAddress? address, params (string Key, string Value)[] settings) =>
        factory.WithWebHostBuilder(b =>
        {
            b.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(
                settings.Prepend((Key: "Simulator:BaseAddress", Value: factory.Address.ToString()))
                    .GroupBy(s => s.Key).Select(g => new KeyValuePair<string, string?>(g.Key, g.Last().Value))));
            if (address is not null)
            {
                b.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RemoteAddress(address)));
            }
        });

    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) => { context.Connection.RemoteIpAddress = address; return nextMiddleware(context); });
            next(app);
        };
    }

    [Fact]
    public async Task A_real_patients_number_is_refused_with_a_message_naming_the_test_numbers_and_nothing_is_done_for_them()
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        var response = await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "sms", from = "+237670000042", text = "STOP" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("+2370000…", problem.GetProperty("errors").GetProperty("from")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "voice", from = "237670000042" })).StatusCode);

        await using var db = factory.Db();
        Assert.Equal(0, await db.Patients.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync(a => a.Action == "simulate"));
        // The page offers the reserved numbers.
        var config = await client.GetFromJsonAsync<JsonElement>("/api/v1/simulator");
        Assert.Equal(["+237000000001", "+237000000002", "+237000000003"], config.GetProperty("test_numbers").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task A_configured_test_range_replaces_the_default_one()
    {
        await using var custom = With(("Simulator:TestNumbers:0", "+23769999"));
        using var client = custom.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("staff"));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "ussd", from = Patient, text = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "ussd", from = "+237699990001", text = "" })).StatusCode);
    }

    [Fact]
    public void No_number_of_the_default_test_range_is_a_valid_cameroonian_number()
    {
        var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
        // +2370000 followed by the five digits that make a Cameroonian number whole (and shorter and longer ones).
        var numbers = Enumerable.Range(0, 100_000).Select(i => "+2370000" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture))
            .Concat(Enumerable.Range(0, 10_000).Select(i => "+2370000" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)))
            .Concat(Enumerable.Range(0, 1000).Select(i => "+2370000" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(numbers, n => util.IsValidNumber(util.Parse(n, "CM")));
    }

    [Fact]
    public async Task Anonymous_use_is_audited_with_the_callers_address_never_as_unknown()
    {
        await using var local = From(IPAddress.Loopback, ("Simulator:AllowAnonymous", "true"));
        using var client = local.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "ussd", from = Patient, text = "" })).StatusCode);
        await using var db = factory.Db();
        var actors = await db.AuditEntries.Where(a => a.Action == "simulate").Select(a => a.Actor).ToListAsync();
        Assert.Equal(["anonymous@127.0.0.1"], actors);
    }

    [Fact]
    public async Task Without_a_token_the_simulator_refuses_callers_from_another_machine_but_staff_may_use_it_from_anywhere()
    {
        await using var remote = From(IPAddress.Parse("192.0.2.7"), ("Simulator:AllowAnonymous", "true"));
        using var anonymous = remote.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "ussd", from = Patient, text = "" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("staff token", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        using var staff = remote.CreateClient();
        staff.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("staff"));
        Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "ussd", from = Patient, text = "" })).StatusCode);
    }

    [Fact]
    public async Task The_simulator_has_its_own_budget_apart_from_the_api_and_the_patients()
    {
        await using var tight = With(("Simulator:PermitsPerMinute", "2"));
        using var client = tight.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AppFactory.Token("staff"));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "ussd", from = Patient, text = "" })).StatusCode);
        }
        var over = await client.PostAsJsonAsync("/api/v1/simulator/send", new { channel = "ussd", from = Patient, text = "" });
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Contains("Simulator:PermitsPerMinute", (await over.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        // The same person's API budget is untouched.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/feedback")).StatusCode);
    }

    [Fact]
    public async Task With_allowed_hosts_set_as_scripts_run_sets_them_a_rebound_host_name_is_refused()
    {
        await using var local = With(("AllowedHosts", "localhost;127.0.0.1;[::1]"), ("Simulator:AllowAnonymous", "true"));
        using var client = local.CreateClient();
        using var evil = new HttpRequestMessage(HttpMethod.Get, "/api/v1/simulator");
        evil.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(evil)).StatusCode);
        using var good = new HttpRequestMessage(HttpMethod.Get, "/api/v1/simulator");
        good.Headers.Host = "localhost:8080";
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(good)).StatusCode);
    }

    [Fact]
    public async Task Hanging_up_mid_call_posts_the_signed_completed_call_status_callback_twilio_would()
    {
        using var client = factory.SocketClient(AppFactory.Token("staff"));
        var menu = await SendAsync(client, new { channel = "voice", from = Patient });
        var callSid = menu.GetProperty("session_id").GetString()!;
        var hangup = await SendAsync(client, new { channel = "voice", from = Patient, session_id = callSid, hangup = true });
        Assert.Equal(200, hangup.GetProperty("status").GetInt32());
        Assert.True(hangup.GetProperty("ended").GetBoolean());

        await using var db = factory.Db();
        var recorded = await db.ProviderEvents.Select(e => new { e.Kind, e.Sid, e.Status }).SingleAsync();
        Assert.Equal(("call", callSid, "completed"), (recorded.Kind, recorded.Sid, recorded.Status));
    }
}
