using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.Hospital;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>Appointments' options (validated at start-up; the default plan is always there), the hospital's departments they are booked into, and their service.</summary>
public static class AppointmentServices
{
    public static IServiceCollection AddAppointments(this IServiceCollection services)
    {
        services.AddOptions<AppointmentOptions>().BindConfiguration(AppointmentOptions.Section)
            .PostConfigure(o => o.Plans.TryAdd(AppointmentOptions.DefaultPlan, AppointmentOptions.BuiltInDefault()))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AppointmentOptions>, AppointmentOptionsValidator>();
        services.AddHospital();
        services.AddScoped<AppointmentService>();
        return services;
    }
}
