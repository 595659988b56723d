using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>What keeps the server polite and lossless while PostgreSQL or Redis is down (README: "When things fail").</summary>
public static class FaultTolerance
{
    public static IServiceCollection AddFaultTolerance(this IServiceCollection services)
    {
        services.AddOptions<PendingEffectsOptions>().BindConfiguration(PendingEffectsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<PendingEffects>();
        services.AddScoped<PatientCache>();
        services.AddScoped<IPatientCopies>(sp => sp.GetRequiredService<PatientCache>());
        services.AddSingleton<PendingEffectsDrainer>();
        services.AddHostedService(sp => sp.GetRequiredService<PendingEffectsDrainer>());
        services.AddExceptionHandler<OutageExceptionHandler>();
        return services;
    }
}
