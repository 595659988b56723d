using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Observability;

/// <summary>A host of its own, so that no other test class moves its counters.</summary>
public sealed class MetricsFactory : TwilioApiFactory;

/// <summary><c>/metrics</c> as Prometheus scrapes it, before and after what patients and staff do.</summary>
public sealed class MetricsTests(MetricsFactory factory) : IntegrationTest<MetricsFactory>(factory)
{
    private const string Patient = "+237690004242";
    private const string Comment = "The nurse Ngo Bassong was kind";
    private static readonly string MessagesPath = $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    private async Task<PrometheusText> ScrapeAsync()
    {
        var response = await Factory.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        // Patient data never becomes a label (or anything else in the scrape).
        Assert.DoesNotContain("690004242", text);
        Assert.DoesNotContain("Bassong", text);
        return PrometheusText.Parse(text);
    }

    private async Task SmsAsync(string from, string body)
    {
        var response = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(from, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_whole_SMS_conversation_moves_latency_conversation_and_feedback_metrics()
    {
        var before = await ScrapeAsync();

        await SmsAsync(Patient, "Hello");
        await SmsAsync(Patient, "1");
        await SmsAsync(Patient, "4");
        await SmsAsync(Patient, Comment);
        await SmsAsync("whatsapp:+237690004243", "Bonjour");
        var forged = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Patient, "5"), signature: "forged");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var after = await ScrapeAsync();
        double Moved(string name, params (string, string)[] labels) => after[name, labels] - before[name, labels];
        Assert.Equal("histogram", after.Types["tf_webhook_duration_seconds"]);
        Assert.Equal(4, Moved("tf_webhook_duration_seconds_count", ("channel", "sms"), ("code", "2xx")));
        Assert.Equal(1, Moved("tf_webhook_duration_seconds_count", ("channel", "sms"), ("code", "4xx")));
        Assert.Equal(1, Moved("tf_webhook_duration_seconds_count", ("channel", "whatsapp"), ("code", "2xx")));
        Assert.True(Moved("tf_webhook_duration_seconds_sum", ("channel", "sms"), ("code", "2xx")) > 0);
        Assert.Equal(4, Moved("tf_webhook_duration_seconds_bucket", ("channel", "sms"), ("code", "2xx"), ("le", "+Inf")));
        Assert.Equal(1, Moved("tf_conversations_started_total", ("channel", "sms")));
        Assert.Equal(1, Moved("tf_conversations_started_total", ("channel", "whatsapp")));
        Assert.Equal(1, Moved("tf_conversations_completed_total", ("channel", "sms")));
        Assert.Equal(0, Moved("tf_conversations_completed_total", ("channel", "whatsapp")));
        Assert.Equal(1, Moved("tf_feedback_stored_total", ("channel", "sms"), ("language", "en")));
        Assert.Equal("counter", after.Types["tf_feedback_stored_total"]);
        Assert.Equal("histogram", after.Types["http_request_duration_seconds"]);
        Assert.True(Moved("http_request_duration_seconds_count", ("code", "200"), ("method", "POST"), ("endpoint", "/twilio/sms"), ("controller", ""), ("action", "")) >= 5);
    }

    [Fact]
    public async Task Due_reminders_are_counted_at_scrape_time_and_each_move_is_counted_by_status()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}"));
        Factory.Clock.Advance(TimeSpan.FromSeconds(15)); // past any count an earlier test left
        var before = await ScrapeAsync();
        Assert.Equal(0, before["tf_reminders_due"]);

        await Client.CreateAsync($$"""{"patient_id":"PAT81","message":"Appointment tomorrow","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"+237677000081"}""");
        await Client.CreateAsync($$"""{"patient_id":"PAT82","message":"Appointment next week","language":"en","scheduled_time":"{{Factory.Clock.GetUtcNow().AddDays(7):yyyy-MM-ddTHH:mm:sszzz}}","phone_number":"+237677000082"}""");
        Factory.Clock.Advance(TimeSpan.FromSeconds(15)); // the gauge's count serves 15 s of scrapes
        var queued = await ScrapeAsync();
        Assert.Equal(1, queued["tf_reminders_due"]); // the one due now, not next week's
        Assert.Equal("gauge", queued.Types["tf_reminders_due"]);
        Assert.Equal(2, queued["tf_reminder_transitions_total", ("status", "scheduled")] - before["tf_reminder_transitions_total", ("status", "scheduled")]);

        await Factory.DispatchAsync();

        Factory.Clock.Advance(TimeSpan.FromSeconds(15));
        var sent = await ScrapeAsync();
        Assert.Equal(0, sent["tf_reminders_due"]);
        Assert.Equal(1, sent["tf_reminder_transitions_total", ("status", "sending")] - before["tf_reminder_transitions_total", ("status", "sending")]);
        Assert.Equal(1, sent["tf_reminder_transitions_total", ("status", "sent")] - before["tf_reminder_transitions_total", ("status", "sent")]);
    }

    [Fact]
    public async Task Scrapes_within_the_refresh_interval_share_one_count_of_due_reminders()
    {
        Factory.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0, (await ScrapeAsync())["tf_reminders_due"]);
        await Client.CreateAsync($$"""{"patient_id":"PAT84","message":"Appointment tomorrow","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"+237677000084"}""");

        // Twenty scrapes at once, 14 s on: none counts again, so all still show the count made before.
        Factory.Clock.Advance(TimeSpan.FromSeconds(14));
        var scrapes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ScrapeAsync()));
        Assert.All(scrapes, scrape => Assert.Equal(0, scrape["tf_reminders_due"]));

        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await ScrapeAsync())["tf_reminders_due"]);
    }

    [Theory]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("::1", HttpStatusCode.OK)]
    [InlineData("192.0.2.9", HttpStatusCode.NotFound)]
    public async Task Without_a_metrics_port_only_callers_on_this_machine_see_metrics(string caller, HttpStatusCode expected)
    {
        await using var reached = Factory.WithWebHostBuilder(b =>
            b.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse(caller)))));
        Assert.Equal(expected, (await reached.CreateClient().GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reached.CreateClient().GetAsync("/health/live")).StatusCode);
    }

    /// <summary>The connection's address as Kestrel would report it for a caller at <paramref name="address"/>.</summary>
    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) => { context.Connection.RemoteIpAddress = address; return nextMiddleware(context); });
            next(app);
        };
    }

    [Fact]
    public async Task A_refused_send_counts_as_a_permanent_Twilio_error()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"""));
        var before = await ScrapeAsync();
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT83","message":"Appointment tomorrow","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"+237677000083"}""");

        await Factory.DispatchAsync();

        Assert.Equal(ReminderStatus.Failed, (await Factory.ReminderAsync(id)).Status);
        var after = await ScrapeAsync();
        Assert.Equal(1, after["tf_provider_errors_total", ("kind", "permanent"), ("provider", "twilio")] - before["tf_provider_errors_total", ("kind", "permanent"), ("provider", "twilio")]);
        Assert.Equal(1, after["tf_reminder_transitions_total", ("status", "failed")] - before["tf_reminder_transitions_total", ("status", "failed")]);
    }
}

/// <summary>With <c>Metrics:Port</c> set, the public port does not show metrics.</summary>
public sealed class MetricsPortTests(MetricsPortTests.OnItsOwnPort factory) : IntegrationTest<MetricsPortTests.OnItsOwnPort>(factory)
{
    public sealed class OnItsOwnPort : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Metrics:Port"] = "9090" };
    }

    [Fact]
    public async Task Metrics_asked_for_on_another_port_answer_404()
    {
        var response = await Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync("/health/live")).StatusCode);
    }
}
