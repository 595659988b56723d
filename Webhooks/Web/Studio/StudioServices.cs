using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Accounts;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>The studio: its catalogue (served to patients, refreshed on every instance), its services and its policy.</summary>
public static class StudioServices
{
    public static IServiceCollection AddStudio(this IServiceCollection services)
    {
        services.AddSingleton<StudioCatalogue>();
        services.AddSingleton<ITextCatalogue>(sp => sp.GetRequiredService<StudioCatalogue>());
        services.AddSingleton<Scheduling.Reminders.IReminderLanguages, StudioReminderLanguages>();
        services.AddHostedService<StudioCatalogueRefresher>();
        services.AddScoped<StudioTexts>();
        services.AddScoped<StudioSettings>();
        services.AddAuthorizationBuilder().AddPolicy(StudioEndpoints.Policy, policy =>
            policy.AddAuthenticationSchemes(StaffAuth.Scheme).RequireRole(StaffRoles.Translator, StaffRoles.Admin));
        return services;
    }
}
