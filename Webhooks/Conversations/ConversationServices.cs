using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>The conversation runner and what it needs: Redis, the survey, effects and effects held during outages.</summary>
public static class ConversationServices
{
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => Languages.FromCode(o.DefaultLanguage) is not null, "Conversations:DefaultLanguage must be en, fr, dua, bas or ewo.")
            .ValidateOnStart();
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var redis = sp.GetRequiredService<IOptions<RedisOptions>>().Value;
            var configuration = ConfigurationOptions.Parse(redis.Configuration);
            configuration.AbortOnConnectFail = false;
            // While Redis is down a patient waits for the polite answer at most this long: no 5 s
            // defaults, and no backlog that holds commands until a reconnect or the timeout.
            var timeout = (int)redis.Timeout.TotalMilliseconds;
            (configuration.ConnectTimeout, configuration.SyncTimeout, configuration.AsyncTimeout) = (timeout, timeout, timeout);
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            // Completions on .NET's own thread pool: the library's dedicated pipe scheduler (10 threads)
            // hands every reply across threads, and on 2 cores the context switches cost about half of
            // the server's CPU under load (profiled, see bench/NOTES.md).
            configuration.SocketManager = SocketManager.ThreadPool;
            return ConnectionMultiplexer.Connect(configuration);
        });
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix));
        services.AddSingleton<IConversationStore, RedisConversationStore>();
        services.AddSingleton(sp => SurveyDefinition.Default(
            Languages.FromCode(sp.GetRequiredService<IOptions<ConversationOptions>>().Value.DefaultLanguage) ?? Language.English));
        // The fixed statements of concurrent turns, sent together (one round trip, one transaction) while one is under way.
        services.AddSingleton(sp => new StatementBatcher(sp.GetRequiredService<IOptions<TwilioFeedback.Persistence.DatabaseOptions>>(), sp.GetRequiredService<Observability.WebhookMetrics>()));
        services.AddScoped<ConversationEffects>();
        services.AddScoped<ConversationRunner>();

        // What keeps conversations polite and lossless while PostgreSQL is down (README: "When things fail").
        services.AddOptions<PendingEffectsOptions>().BindConfiguration(PendingEffectsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<PendingEffects>();
        services.AddSingleton<PendingEffectsDrainer>();
        services.AddHostedService(sp => sp.GetRequiredService<PendingEffectsDrainer>());
        return services;
    }
}
