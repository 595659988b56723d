using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>Call me back's options (validated at start-up), its request writer, status writer and dispatcher.</summary>
public static class CallBackServices
{
    public static IServiceCollection AddCallBacks(this IServiceCollection services)
    {
        services.AddOptions<CallBackOptions>().BindConfiguration(CallBackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CallBackOptions>, CallBackOptionsValidator>();
        services.AddSingleton<CallBackMetrics>();
        services.AddScoped<CallBackRequests>();
        services.AddScoped<CallBackTransitions>();
        services.AddTransient<CallBackDispatcher>();
        return services;
    }
}
