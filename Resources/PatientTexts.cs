using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Resources;

/// <summary>
/// Texts overridden without a rebuild: <c>TextOverrides:{language code}:{key}</c> in configuration
/// (a JSON file reloaded on change, or environment variables).
/// </summary>
public sealed class TextOverridesOptions() : Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);

/// <summary>Renders a patient-facing text in a language: an override if one is set, else the .resx text.</summary>
public sealed class PatientTexts(IStringLocalizer<Messages> localizer, IOptionsMonitor<TextOverridesOptions> overrides)
{
    public string Get(string key, Language language, params object[] args)
    {
        var template = Override(key, language) ?? FromResources(key, language);
        return args.Length == 0 ? template : string.Format(language.Culture(), template, args);
    }

    /// <summary>The text as built into the assembly, ignoring overrides.</summary>
    public string FromResources(string key, Language language) => FromResources(localizer, key, language);

    internal static string FromResources(IStringLocalizer<Messages> localizer, string key, Language language)
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = language.Culture();
        try
        {
            var text = localizer[key];
            return text.ResourceNotFound
                ? throw new KeyNotFoundException($"No text '{key}' in Resources/Texts/Messages.resx.")
                : text.Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private string? Override(string key, Language language) =>
        overrides.CurrentValue.TryGetValue(language.Code(), out var texts) && texts.TryGetValue(key, out var text)
            ? text
            : null;
}

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

/// <summary>The <c>{0}</c>-style placeholders of a text.</summary>
public static class Placeholders
{
    public static HashSet<string> Of(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"\{(?:\d+(?:[:,][^}]*)?|[a-z_]+)\}").Select(m => m.Value)];

    /// <summary>Fills named placeholders (<c>{date}</c>) of a template.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{([a-z_]+)\}", m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
}
