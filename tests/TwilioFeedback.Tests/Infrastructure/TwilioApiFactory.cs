using WireMock.Server;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>The server with a Twilio account whose REST API is a WireMock.Net stub (anything not stubbed answers 404).</summary>
public class TwilioApiFactory : AppFactory
{
    public WireMockServer TwilioApi { get; } = WireMockServer.Start();

    public string ApiBaseUrl => TwilioApi.Urls[0];

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Twilio:AccountSid"] = TwilioRequests.AccountSid,
        ["Twilio:PhoneNumber"] = TwilioRequests.HospitalNumber,
        ["Twilio:ApiBaseUrl"] = ApiBaseUrl,
        ["Twilio:MessagingApiBaseUrl"] = ApiBaseUrl, // one stub for Twilio's REST and Messaging APIs
        ["Ussd:SharedSecret"] = UssdSecret,
        ["Reminders:DispatchOnSchedule"] = "false", // tests run the dispatcher themselves
        ["Email:SendGridApiKey"] = "SG.test-key",
        ["Email:SendGridHost"] = ApiBaseUrl,
        ["Email:FromAddress"] = "reminders@dgh.example",
        ["Email:EventWebhookSecret"] = "sendgrid-events-secret",
    };

    public const string UssdSecret = "ussd-gateway-secret-42";

    /// <summary>Also forgets the stub's mappings and requests: each test stubs what it needs.</summary>
    public override async Task ResetAsync()
    {
        await base.ResetAsync();
        TwilioApi.Reset();
    }

    public override async ValueTask DisposeAsync()
    {
        TwilioApi.Stop();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Waits for something the background jobs do, without sleeping blindly.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(50);
        }
    }
}
