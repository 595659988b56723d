using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Hospital;

/// <summary>The hospital's options (its departments), validated at start-up.</summary>
public static class HospitalServices
{
    public static IServiceCollection AddHospital(this IServiceCollection services)
    {
        services.AddOptions<HospitalOptions>().BindConfiguration(HospitalOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HospitalOptions>, HospitalOptionsValidator>();
        return services;
    }
}
