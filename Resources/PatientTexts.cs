using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Resources;

/// <summary>Renders a patient-facing text in a language: the studio's approved text if there is one, else the .resx text.</summary>
public sealed class PatientTexts(IStringLocalizer<Messages> localizer, ITextCatalogue catalogue)
{
    public string Get(string key, Language language, params object[] args)
    {
        var template = catalogue.Approved(key, language) ?? FromResources(key, language);
        return args.Length == 0 ? template : string.Format(language.Culture(), template, args);
    }

    // The built-in texts never change while the process runs: each (key, language) is looked up once, not
    // through the ResourceManager (and a switch of the thread's culture) for every message.
    private readonly ConcurrentDictionary<(string Key, Language Language), string> _builtIn = new();

    /// <summary>The text as built into the assembly, ignoring the studio.</summary>
    public string FromResources(string key, Language language) =>
        _builtIn.TryGetValue((key, language), out var text) ? text : _builtIn[(key, language)] = FromResources(localizer, key, language);

    /// <summary>
    /// True when <paramref name="key"/>'s English source has placeholders (<c>{date}</c>, <c>{department}</c>): values that change
    /// with every patient, which a recording cannot say.
    /// </summary>
    public bool HasValues(string key) => Placeholders.Of(FromResources(key, Language.English)).Count > 0;

    /// <summary>A language menu (<see cref="MessageKeys.LanguageMenu"/> or its retry) listing <paramref name="offered"/>, numbered in order, each in itself.</summary>
    public string Menu(string key, Language language, IReadOnlyList<Language> offered) =>
        Get(key, language, MenuLines(offered), offered.Count.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>1 English\n2 Français</c>: the lines of a menu offering <paramref name="offered"/>.</summary>
    public static string MenuLines(IReadOnlyList<Language> offered) =>
        string.Join('\n', offered.Select((l, i) => $"{(i + 1).ToString(CultureInfo.InvariantCulture)} {l.OwnName()}"));

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
}
