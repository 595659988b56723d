using TwilioFeedback.Scheduling;

namespace TwilioFeedback.Webhooks.Patients;

/// <summary>Patients: found or created by number, and their copy in Redis.</summary>
public static class PatientServices
{
    public static IServiceCollection AddPatients(this IServiceCollection services)
    {
        services.AddScoped<PatientDirectory>();
        services.AddScoped<PatientCache>();
        services.AddScoped<IPatientCopies>(sp => sp.GetRequiredService<PatientCache>());
        return services;
    }
}
