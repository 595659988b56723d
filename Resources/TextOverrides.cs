using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Resources;

/// <summary>
/// Texts overridden without a rebuild: <c>TextOverrides:{language code}:{key}</c> in configuration
/// (a JSON file reloaded on change, or environment variables).
/// </summary>
public sealed class TextOverridesOptions() : Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);

/// <summary>Rejects overrides for unknown languages or keys, or whose placeholders differ from the original.</summary>
public sealed class TextOverridesValidator(IStringLocalizer<Messages> localizer) : IValidateOptions<TextOverridesOptions>
{
    public ValidateOptionsResult Validate(string? name, TextOverridesOptions options)
    {
        var failures = new List<string>();
        foreach (var (code, overrides) in options)
        {
            if (Languages.FromCode(code) is not { } language || language.Code() != code.ToLowerInvariant())
            {
                failures.AddRange(overrides.Keys.Select(key => $"TextOverrides:{code}:{key}: {code} is not a language code (en, fr, dua, bas, ewo)."));
                continue;
            }
            foreach (var (key, text) in overrides)
            {
                if (!MessageKeys.All.Contains(key))
                {
                    failures.Add($"TextOverrides:{code}:{key} is not a known text.");
                }
                else if (!Placeholders.Of(text).SetEquals(Placeholders.Of(PatientTexts.FromResources(localizer, key, language))))
                {
                    failures.Add($"TextOverrides:{code}:{key} must keep the placeholders of the original text.");
                }
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
