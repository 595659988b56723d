using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>Appointments' options (validated at start-up; the default plan is always there) and their service.</summary>
public static class AppointmentServices
{
    public static IServiceCollection AddAppointments(this IServiceCollection services)
    {
        services.AddOptions<AppointmentOptions>().BindConfiguration(AppointmentOptions.Section)
            .PostConfigure(o => o.Plans.TryAdd(AppointmentOptions.DefaultPlan, AppointmentOptions.BuiltInDefault()))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppointmentOptions>, AppointmentOptionsValidator>();
        services.AddScoped<AppointmentService>();
        return services;
    }
}
