using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Transcription;

/// <summary>Checks the endpoint and the languages at start-up, naming the setting.</summary>
public sealed class TranscriptionOptionsValidator : IValidateOptions<TranscriptionOptions>
{
    private static readonly string[] Known = ["en", "fr", "dua", "bas", "ewo"];

    public ValidateOptionsResult Validate(string? name, TranscriptionOptions options)
    {
        var errors = new List<string>();
        if (options.Enabled && (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.Query)))
        {
            errors.Add("Transcription:Endpoint must be an absolute http(s) URL without a query (the service's base, e.g. http://whisper.internal:8080).");
        }
        foreach (var language in options.Languages.Where(l => !Known.Contains(l)))
        {
            errors.Add($"Transcription:Languages holds '{language}'; use en, fr, dua, bas or ewo.");
        }
        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add("Transcription:RetryDelay must be from 0 to 1 minute.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
