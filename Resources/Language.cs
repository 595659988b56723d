using System.Globalization;

namespace TwilioFeedback.Resources;

/// <summary>The five languages patients can use.</summary>
public enum Language
{
    English,
    French,
    Duala,
    Basaa,
    Ewondo,
}

/// <summary>Codes, names and parsing for <see cref="Language"/>.</summary>
public static class Languages
{
    public static IReadOnlyList<Language> All { get; } = Enum.GetValues<Language>();

    /// <summary>ISO 639 code, also the .resx culture name.</summary>
    public static string Code(this Language language) => language switch
    {
        Language.English => "en",
        Language.French => "fr",
        Language.Duala => "dua",
        Language.Basaa => "bas",
        Language.Ewondo => "ewo",
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };

    /// <summary>The name the original API used (<c>english|french|douala|bassa|ewondo</c>).</summary>
    public static string SeedName(this Language language) => language switch
    {
        Language.English => "english",
        Language.French => "french",
        Language.Duala => "douala",
        Language.Basaa => "bassa",
        Language.Ewondo => "ewondo",
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };

    /// <summary>The language's name in itself, as shown in the language menu (CLDR).</summary>
    public static string OwnName(this Language language) => language switch
    {
        Language.English => "English",
        Language.French => "Français",
        Language.Duala => "Duálá",
        Language.Basaa => "Ɓàsàa",
        Language.Ewondo => "Ewondo",
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };

    public static CultureInfo Culture(this Language language) => CultureInfo.GetCultureInfo(language.Code());

    private static readonly Dictionary<string, Language> Names = BuildNames();

    private static Dictionary<string, Language> BuildNames()
    {
        var names = new Dictionary<string, Language>(StringComparer.Ordinal);
        foreach (var language in All)
        {
            names[language.Code()] = language;
            names[language.SeedName()] = language;
            names[Folding.Fold(language.OwnName())] = language;
        }
        string[][] aliases =
        [
            ["english", "anglais", "eng", "ngisi"],
            ["french", "francais", "fra", "fre", "pulasi", "fulensi"],
            ["duala", "douala", "dual"],
            ["basaa", "bassa", "basa"],
            ["ewondo", "yaunde", "yaounde"],
        ];
        for (var i = 0; i < aliases.Length; i++)
        {
            foreach (var alias in aliases[i])
            {
                names[alias] = All[i];
            }
        }
        return names;
    }

    /// <summary>Parses a code (<c>dua</c>), a seed name (<c>douala</c>) or a name, with or without accents.</summary>
    public static bool TryParse(string? value, out Language language)
    {
        language = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }
        return Names.TryGetValue(Folding.Fold(value.Trim()), out language);
    }

    public static Language? FromCode(string? code) =>
        code is not null && TryParse(code, out var language) ? language : null;
}
