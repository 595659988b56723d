using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Resources;

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
