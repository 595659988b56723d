using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Observability;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>The number's configuration at Twilio (<c>scripts/twilio-setup</c>, the admin API).</summary>
public static class TwilioSetupServices
{
    /// <summary>The server's part: the setup for the admin API, and the webhooks seen (<see cref="WebhookSightings"/>).</summary>
    public static IServiceCollection AddTwilioSetup(this IServiceCollection services)
    {
        services.AddSingleton<WebhookSightings>();
        return services.AddTwilioNumberSetup();
    }

    /// <summary>The REST slice and the comparison; the command registers Twilio's and the webhooks' options itself.</summary>
    public static IServiceCollection AddTwilioNumberSetup(this IServiceCollection services)
    {
        services.AddOptions<TwilioSetupOptions>().BindConfiguration(TwilioOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<TwilioNumberApi>();
        services.AddTransient<TwilioNumberSetup>();
        // Reading and setting a number's webhooks is idempotent: any transient failure may be retried.
        services.AddHttpClient(TwilioNumberApi.HttpClientName).AddStandardResilienceHandler(resilience =>
        {
            resilience.Retry.MaxRetryAttempts = 2;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(300);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}
