using TwilioFeedback.Webhooks.Configuration;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TwilioFeedback.Conversations;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Api;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Scheduling.Privacy;
using TwilioFeedback.Scheduling.Email;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Status;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Ussd;
using TwilioFeedback.Webhooks.Voice;
using Coravel;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Observability;

namespace TwilioFeedback.Webhooks;

/// <summary>Everything the server registers, section by section.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddTwilioFeedback(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<DatabaseOptions>()
            .Configure<IConfiguration>((o, c) =>
            {
                o.ConnectionString = ConnectionUrls.WithPostgresDefaults(c.GetConnectionString("Postgres") ?? "");
                o.ApplyMigrations = c.GetValue<bool>("Database:ApplyMigrations");
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => Languages.FromCode(o.DefaultLanguage) is not null, "Conversations:DefaultLanguage must be en, fr, dua, bas or ewo.")
            .ValidateOnStart();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.PublicBaseUrl) || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Webhooks:PublicBaseUrl (or PUBLIC_BASE_URL) must be an absolute URL.")
            .ValidateOnStart();
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();

        // Persistence
        services.AddDbContextPool<FeedbackDbContext>((sp, options) => options
            .UseNpgsql(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)
            .UseSnakeCaseNamingConvention()
            .UseDataCipher(sp.GetRequiredService<DataCipher>()));
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<PhoneHasher>();
        services.AddSingleton<DataCipher>();

        // Conversations
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var configuration = ConfigurationOptions.Parse(sp.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration);
            configuration.AbortOnConnectFail = false;
            // Completions on .NET's own thread pool: the library's dedicated pipe scheduler (10 threads)
            // hands every reply across threads, and on 2 cores the context switches cost about half of
            // the server's CPU under load (profiled, see bench/NOTES.md).
            configuration.SocketManager = SocketManager.ThreadPool;
            return ConnectionMultiplexer.Connect(configuration);
        });
        services.AddSingleton<IConversationStore, RedisConversationStore>();
        services.AddSingleton(sp => SurveyDefinition.Default(
            Languages.FromCode(sp.GetRequiredService<IOptions<ConversationOptions>>().Value.DefaultLanguage) ?? Language.English));
        services.AddScoped<PatientDirectory>();
        services.AddScoped<ConversationEffects>();
        services.AddScoped<ConversationRunner>();
        services.AddScoped<TwilioFeedback.Webhooks.Api.AuditLog>();

        // Voice, USSD, recordings
        services.AddOptions<VoiceOptions>().BindConfiguration(VoiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UssdOptions>().BindConfiguration(UssdOptions.Section);
        services.AddOptions<RecordingOptions>().BindConfiguration(RecordingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PromptCatalog>();
        services.AddScoped<ProviderEvents>();
        services.AddQueue();
        services.AddScheduler();
        services.AddTransient<RecordingFetcher>();

        // Analysis
        services.AddOptions<AnalysisOptions>().BindConfiguration(AnalysisOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.AlertEmail) || System.Net.Mail.MailAddress.TryCreate(o.AlertEmail, out _), "Analysis:AlertEmail must be an email address.")
            .ValidateOnStart()
            .PostConfigure<IOptions<WebhookOptions>>((analysis, webhooks) => analysis.LinkBase ??= webhooks.Value.PublicBaseUrl);
        services.AddSingleton<IFeedbackAnalyzer, LexiconFeedbackAnalyzer>();
        services.AddTransient<FeedbackAnalysisJob>();

        // Patient data: key rotation and retention
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<DataKeyRotationJob>();
        services.AddTransient<RetentionJob>();

        // Reminders
        services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section).ValidateDataAnnotations()
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Reminders:TimeZone must be a known time zone (e.g. Africa/Douala).")
            .ValidateOnStart()
            .PostConfigure<IOptions<WebhookOptions>>((reminders, webhooks) =>
            {
                reminders.PublicBaseUrl ??= string.IsNullOrEmpty(webhooks.Value.PublicBaseUrl) ? null : webhooks.Value.PublicBaseUrl.TrimEnd('/');
                reminders.StatusCallbackUrl ??= reminders.PublicBaseUrl is null ? null : reminders.PublicBaseUrl + MessageStatusEndpoints.Path;
            });
        services.AddTransient<ReminderDispatcher>();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<IEmailSender>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<EmailOptions>>().Value.SendGridApiKey)
            ? ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp)
            : ActivatorUtilities.CreateInstance<SendGridEmailSender>(sp));
        // Sends are retried only where the provider surely did not act on them (ProviderResilience).
        services.AddHttpClient(SendGridEmailSender.HttpClientName).AddSendResilienceHandler();
        services.AddTransient<TwilioMessagingClient>();
        services.AddHttpClient(TwilioMessagingClient.HttpClientName).AddSendResilienceHandler();
        services.AddHttpClient(RecordingFetcher.HttpClientName).AddStandardResilienceHandler(resilience =>
        {
            resilience.Retry.MaxRetryAttempts = 3;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(500);
        });

        // Resources: texts from .resx, overridable through configuration without a rebuild.
        services.AddLocalization();
        services.AddSingleton<PatientTexts>();
        services.AddOptions<TextOverridesOptions>().BindConfiguration("TextOverrides").ValidateOnStart();
        services.AddSingleton<IValidateOptions<TextOverridesOptions>, TextOverridesValidator>();

        // Web
        services.AddScoped<ValidateTwilioRequestFilter>();
        services.AddOptions<FormOptions>().Configure<IOptions<WebhookOptions>>((form, webhooks) => form.ValueLengthLimit = webhooks.Value.MaxFormValueLength);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddOpenApi(options => options.AddSeedExamples());
        services.AddHealthChecks()
            .AddDbContextCheck<FeedbackDbContext>("postgres", tags: ["full"])
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready", "full"]);
        services.AddHostedService<StartupReport>();
        return services;
    }
}
