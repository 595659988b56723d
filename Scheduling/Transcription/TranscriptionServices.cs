using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace TwilioFeedback.Scheduling.Transcription;

/// <summary>The transcriber's options, typed client (retries with backoff on 429/5xx) and job.</summary>
public static class TranscriptionServices
{
    public static IServiceCollection AddTranscription(this IServiceCollection services)
    {
        services.AddOptions<TranscriptionOptions>().BindConfiguration(TranscriptionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TranscriptionOptions>, TranscriptionOptionsValidator>();
        services.AddHttpClient<ITranscriber, OpenAiTranscriber>()
            .AddResilienceHandler("transcription", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<TranscriptionOptions>>().Value;
                // Transcribing changes nothing at the service: a retry is always safe.
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.RetryDelay,
                    ShouldRetryAfterHeader = true,
                });
                pipeline.AddTimeout(settings.RequestTimeout);
            });
        services.AddTransient<TranscriptionJob>();
        return services;
    }
}
