using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Tests.Twilio;

/// <summary>Every webhook declares its channel, and the declarations say what the URL prefixes used to.</summary>
public sealed class WebhookChannelTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    public static TheoryData<string, string, OutageAnswer> Declared => new()
    {
        { "/twilio/sms", "sms", OutageAnswer.Message },
        { "/twilio/voice", "voice", OutageAnswer.Call },
        { "/twilio/voice/reminder", "voice", OutageAnswer.Call },
        { "/twilio/voice/recording", "voice", OutageAnswer.RetryLater },
        { "/twilio/status/call", "status", OutageAnswer.RetryLater },
        { "/twilio/status/message", "status", OutageAnswer.RetryLater },
        { "/ussd/", "ussd", OutageAnswer.UssdScreen },
        { "/ussd/{secret}", "ussd", OutageAnswer.UssdScreen },
        { "/sendgrid/events/{secret}", "status", OutageAnswer.RetryLater },
    };

    private Dictionary<string, WebhookChannel?> Endpoints() => Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .GroupBy(e => e.RoutePattern.RawText ?? "")
        .ToDictionary(g => g.Key, g => g.Select(e => e.Metadata.GetMetadata<WebhookChannel>()).Distinct().Single());

    [Theory]
    [MemberData(nameof(Declared))]
    public void A_webhook_declares_its_metric_label_and_outage_answer(string pattern, string label, OutageAnswer outage)
    {
        var endpoints = Endpoints();
        Assert.True(endpoints.ContainsKey(pattern), $"{pattern} not among {string.Join(", ", endpoints.Keys.Order())}");
        Assert.Equal(new WebhookChannel(label, outage), endpoints[pattern]);
    }

    [Fact]
    public void The_declarations_give_what_the_old_URL_prefixes_gave_and_nothing_else_declares_one()
    {
        foreach (var (pattern, channel) in Endpoints())
        {
            var path = new PathString(pattern);
            Assert.Equal(LabelByPrefix(path), channel?.MetricLabel);
            Assert.Equal(OutageByPrefix(path), channel?.Outage ?? OutageAnswer.RetryLater);
        }
    }

    // The rules WebhookTiming.ChannelOf and OutageExceptionHandler matched paths with before endpoints declared their channel.
    private static string? LabelByPrefix(PathString path) =>
        path.StartsWithSegments("/twilio/sms") ? "sms"
        : path.StartsWithSegments("/twilio/voice") ? "voice"
        : path.StartsWithSegments("/ussd") ? "ussd"
        : path.StartsWithSegments("/twilio/status") || path.StartsWithSegments("/sendgrid/events") ? "status"
        : null;

    private static OutageAnswer OutageByPrefix(PathString path) =>
        path.StartsWithSegments("/twilio/sms") ? OutageAnswer.Message
        : path.StartsWithSegments("/twilio/voice") && !path.StartsWithSegments("/twilio/voice/recording") ? OutageAnswer.Call
        : path.StartsWithSegments("/ussd") ? OutageAnswer.UssdScreen
        : OutageAnswer.RetryLater;
}
