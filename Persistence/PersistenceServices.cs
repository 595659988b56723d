using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Persistence;

/// <summary>The database, its cipher and the keyed phone hash.</summary>
public static class PersistenceServices
{
    /// <summary>
    /// PostgreSQL from <c>ConnectionStrings:Postgres</c> (pooled contexts, snake_case, encrypted patient
    /// columns) and the patient-data keys from <c>Security</c>, both validated at start-up.
    /// </summary>
    public static IServiceCollection AddPersistence(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>((o, c) =>
            {
                o.ConnectionString = c.GetConnectionString("Postgres") ?? "";
                o.ApplyMigrations = c.GetValue<bool>("Database:ApplyMigrations");
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<PhoneHasher>();
        services.AddSingleton<DataCipher>();
        services.AddDbContextPool<FeedbackDbContext>((sp, options) => options
            .UseNpgsql(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)
            .UseSnakeCaseNamingConvention()
            .UseDataCipher(sp.GetRequiredService<DataCipher>()));
        return services;
    }
}
