using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>Checks the configured topics at start-up, naming the setting that is wrong.</summary>
public sealed partial class AnalysisOptionsValidator : IValidateOptions<AnalysisOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalysisOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.AlertEmail) && !Email.EmailAddresses.IsValid(options.AlertEmail))
        {
            failures.Add("Analysis:AlertEmail must be an email address.");
        }
        foreach (var (topic, words) in options.Topics)
        {
            if (!TopicName().IsMatch(topic))
            {
                failures.Add($"Analysis:Topics:{topic}: a topic name is 1–32 lower-case letters, digits or '_', starting with a letter.");
            }
            if (words.Count == 0 || words.Any(w => string.IsNullOrWhiteSpace(w) || w.Trim() == "*"))
            {
                failures.Add($"Analysis:Topics:{topic} needs at least one word, and no empty ones.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}$")]
    private static partial Regex TopicName();
}
