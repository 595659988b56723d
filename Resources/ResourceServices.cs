using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Resources;

/// <summary>The patient-facing texts: built-in <c>.resx</c> and the overrides checked against them.</summary>
public static class ResourceServices
{
    public static IServiceCollection AddPatientTexts(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddSingleton<PatientTexts>();
        services.AddSingleton<IValidateOptions<TextOverridesOptions>, TextOverridesValidator>();
        return services;
    }
}
