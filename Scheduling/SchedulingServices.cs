using Coravel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Scheduling.Email;
using TwilioFeedback.Scheduling.Privacy;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Scheduling.Transcription;

namespace TwilioFeedback.Scheduling;

/// <summary>The background jobs and the providers they send through.</summary>
public static partial class SchedulingServices
{
    /// <summary>Coravel's queue and scheduler, the jobs, their options and the providers' HTTP clients.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();
        services.AddQueue();
        services.AddScheduler();

        // Recordings
        services.AddOptions<RecordingOptions>().BindConfiguration(RecordingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<RecordingFetcher>();
        services.AddHttpClient(RecordingFetcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(RecordingOptions.Handler).AddStandardResilienceHandler(resilience =>
        {
            resilience.Retry.MaxRetryAttempts = 3;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(500);
        });

        // Analysis
        services.AddOptions<AnalysisOptions>().BindConfiguration(AnalysisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnalysisOptions>, AnalysisOptionsValidator>();
        services.AddSingleton<IFeedbackAnalyzer, LexiconFeedbackAnalyzer>();
        services.AddSingleton(sp => new TopicCatalog(sp.GetRequiredService<IOptions<AnalysisOptions>>().Value));
        services.AddTransient<FeedbackAnalysisJob>();
        services.AddTranscription();

        // Patient data: key rotation and retention
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTransient<DataKeyRotationJob>();
        services.AddTransient<RetentionJob>();

        // Reminders and the providers they go out through
        services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section).ValidateDataAnnotations()
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Reminders:TimeZone must be a known time zone (e.g. Africa/Douala).")
            .ValidateOnStart();
        services.AddTransient<ReminderDispatcher>();
        services.AddTransient<ReminderClaims>();
        services.AddTransient<ReminderDelivery>();
        services.AddScoped<ReminderTransitions>();
        services.AddSingleton<ReminderWording>();
        services.TryAddSingleton<IReminderLanguages, EveryReminderLanguage>();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations()
            .Validate(o => EmailAddresses.IsValid(o.FromAddress), "Email:FromAddress must be one email address (name@domain.example).")
            .ValidateOnStart();
        services.AddTransient<IEmailSender>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<EmailOptions>>().Value.SendGridApiKey)
            ? ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp)
            : ActivatorUtilities.CreateInstance<SendGridEmailSender>(sp));
        // Sends are retried only where the provider surely did not act on them (ProviderResilience).
        services.AddHttpClient(SendGridEmailSender.HttpClientName).AddSendResilienceHandler();
        services.AddTransient<TwilioMessagingClient>();
        services.AddHttpClient(TwilioMessagingClient.HttpClientName).AddSendResilienceHandler();

        // Call me back: the calls owed to patients who flashed a hospital number
        services.AddCallBacks();

        // Appointments: plans → reminders, moves, cancellations, imports
        services.AddAppointments();
        return services;
    }

    /// <summary>When each job runs. Coravel's no-overlap is in-process only: across instances the database claims keep work unique.</summary>
    public static IServiceProvider UseScheduledJobs(this IServiceProvider services)
    {
        var reminders = services.GetRequiredService<IOptions<ReminderOptions>>().Value;
        var analysis = services.GetRequiredService<IOptions<AnalysisOptions>>().Value;
        // Coravel swallows what a job throws: each is logged here, with its exception.
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchedulingServices).FullName!);
        services.ConfigureQueue().OnError(exception => LogQueuedJobFailed(logger, exception, exception.GetType().Name));
        services.UseScheduler(scheduler =>
        {
            scheduler.Schedule<RecordingFetcher>().EveryMinute().PreventOverlapping(nameof(RecordingFetcher));
            scheduler.Schedule<DataKeyRotationJob>().EveryThirtyMinutes().PreventOverlapping(nameof(DataKeyRotationJob));
            scheduler.Schedule<RetentionJob>().Hourly().PreventOverlapping(nameof(RetentionJob));
            if (analysis.RunOnSchedule)
            {
                scheduler.Schedule<FeedbackAnalysisJob>().EveryMinute().PreventOverlapping(nameof(FeedbackAnalysisJob));
            }
            if (services.GetRequiredService<IOptions<TranscriptionOptions>>().Value is { Enabled: true, RunOnSchedule: true })
            {
                scheduler.Schedule<TranscriptionJob>().EveryMinute().PreventOverlapping(nameof(TranscriptionJob));
            }
            if (reminders.DispatchOnSchedule)
            {
                // In-process no-overlap only; across instances the SKIP LOCKED claim keeps sends unique.
                scheduler.Schedule<ReminderDispatcher>().EverySeconds(reminders.DispatchEverySeconds).PreventOverlapping(nameof(ReminderDispatcher));
                scheduler.Schedule<CallBackDispatcher>().EverySeconds(reminders.DispatchEverySeconds).PreventOverlapping(nameof(CallBackDispatcher));
            }
        }).OnError(exception => LogScheduledJobFailed(logger, exception, exception.GetType().Name));
        return services;
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Error, Message = "A scheduled job failed: {Error}")]
    private static partial void LogScheduledJobFailed(ILogger logger, Exception exception, string error);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "A queued job failed: {Error}")]
    private static partial void LogQueuedJobFailed(ILogger logger, Exception exception, string error);
}
