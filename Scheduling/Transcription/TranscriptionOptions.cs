using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Scheduling.Transcription;

/// <summary>
/// The speech-to-text service (OpenAI-compatible <c>/v1/audio/transcriptions</c>). Off without an
/// endpoint: then no patient audio leaves the server.
/// </summary>
public sealed class TranscriptionOptions
{
    public const string Section = "Transcription";

    /// <summary>Base URL of the service, e.g. <c>http://whisper.internal:8080</c>; empty: off.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer …</c> when set (environment only).</summary>
    public string? ApiKey { get; set; }

    [Required(ErrorMessage = "Transcription:Model is required.")]
    public string Model { get; set; } = "whisper-1";

    /// <summary>The comment languages whose audio is sent (each with its <c>language</c>); others wait for a person in the inbox.</summary>
    public string[] Languages { get; set; } = ["en", "fr"];

    [Range(1, 20, ErrorMessage = "Transcription:MaxAttempts must be from 1 to 20.")]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First wait between the HTTP retries of one attempt (429, 5xx), doubling with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest one request may take (a two-minute recording on a CPU whisper server takes a while).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:30:00", ErrorMessage = "Transcription:RequestTimeout must be from 5 s to 30 min.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 1000, ErrorMessage = "Transcription:MaxItemsPerRun must be from 1 to 1000.")]
    public int MaxItemsPerRun { get; set; } = 100;

    public bool RunOnSchedule { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The name a machine transcript is marked with: <c>machine:{model}@{host}</c>.</summary>
    public string ServiceName => $"machine:{Model}@{(Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) ? uri.Authority : "?")}";
}
