using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TwilioFeedback.Resources;

/// <summary>The patient-facing texts: built-in <c>.resx</c>, overridden by the studio's approved texts where a host registers them.</summary>
public static class ResourceServices
{
    public static IServiceCollection AddPatientTexts(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddSingleton<PatientTexts>();
        services.TryAddSingleton<ITextCatalogue, BuiltInTexts>();
        return services;
    }
}
