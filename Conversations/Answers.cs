using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

/// <summary>Reads what patients type, forgivingly: digits, 4/5, emojis, number words, any case or accents.</summary>
public static partial class Answers
{
    private static readonly Dictionary<string, Keyword> Keywords = new(StringComparer.Ordinal)
    {
        // Opt-out words Twilio recognises, plus French ARRET/ARRÊT (folded).
        ["stop"] = Keyword.OptOut, ["stopall"] = Keyword.OptOut, ["unsubscribe"] = Keyword.OptOut,
        ["cancel"] = Keyword.OptOut, ["end"] = Keyword.OptOut, ["quit"] = Keyword.OptOut,
        ["revoke"] = Keyword.OptOut, ["optout"] = Keyword.OptOut, ["arret"] = Keyword.OptOut,
        ["start"] = Keyword.OptIn, ["unstop"] = Keyword.OptIn, ["yes"] = Keyword.OptIn,
        // help: English, French, Duala jóŋgwanɛ, Basaa holâ (LEXICON.md).
        ["help"] = Keyword.Help, ["info"] = Keyword.Help, ["aide"] = Keyword.Help,
        ["jonggwane"] = Keyword.Help, ["jongwane"] = Keyword.Help, ["hola"] = Keyword.Help,
        ["lang"] = Keyword.Language, ["langue"] = Keyword.Language, ["language"] = Keyword.Language,
        ["langage"] = Keyword.Language,
    };

    // Number words: English, French, and the Duala, Basaa, Ewondo numerals in LEXICON.md, folded.
    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.Ordinal)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5,
        ["un"] = 1, ["une"] = 1, ["deux"] = 2, ["trois"] = 3, ["quatre"] = 4, ["cinq"] = 5,
        ["ewo"] = 1, ["bebaa"] = 2, ["belalo"] = 3,
        ["yada"] = 1, ["biba"] = 2, ["baa"] = 3, ["bina"] = 4,
        ["dzia"] = 1, ["be"] = 2, ["lala"] = 3, ["nyina"] = 4, ["tana"] = 5,
    };

    // "No"/"skip" for the optional comment, including Duala kɛ́m, Basaa tɔ̀, Ewondo tɛgɛ.
    private static readonly HashSet<string> SkipWords = new(StringComparer.Ordinal)
    {
        "0", "*", "skip", "no", "non", "none", "nothing", "nope", "rien", "passer", "pass", "kem", "to", "tege", "-",
    };

    private static readonly Dictionary<string, int> Faces = new(StringComparer.Ordinal)
    {
        ["😡"] = 1, ["🤬"] = 1, ["😠"] = 1, ["😭"] = 1, ["👎"] = 1,
        ["😞"] = 2, ["🙁"] = 2, ["☹"] = 2, ["😢"] = 2, ["😟"] = 2, ["😕"] = 2,
        ["😐"] = 3, ["😶"] = 3, ["😑"] = 3,
        ["🙂"] = 4, ["😊"] = 4, ["👍"] = 4,
        ["😀"] = 5, ["😃"] = 5, ["😄"] = 5, ["😁"] = 5, ["😍"] = 5, ["🤩"] = 5, ["🥰"] = 5, ["❤"] = 5,
    };

    private static readonly HashSet<string> Stars = new(StringComparer.Ordinal) { "⭐", "🌟", "★", "✩", "☆", "*" };

    /// <summary>A keyword, when the whole message is one (trailing punctuation allowed).</summary>
    public static Keyword ParseKeyword(string? text) =>
        Normalize(text) is { Length: > 0 } word && Keywords.TryGetValue(word, out var keyword) ? keyword : Keyword.None;

    /// <summary>A rating from 1 to 5, or null when the text is not one.</summary>
    public static int? ParseRating(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var symbols = Symbols(text);
        if (symbols.Count is > 0 and <= 5 && symbols.All(Stars.Contains))
        {
            return symbols.Count;
        }
        if (symbols.Count > 0 && symbols.All(s => Faces.ContainsKey(s)) && symbols.Distinct().Count() == 1)
        {
            return Faces[symbols[0]];
        }
        var normalized = Normalize(text);
        var match = RatingPattern().Match(normalized);
        if (match.Success)
        {
            return match.Groups[1].Value[0] - '0';
        }
        return NumberWords.TryGetValue(normalized, out var number) ? number : null;
    }

    /// <summary>A choice among <paramref name="count"/> numbered options (1-based), by digit or number word.</summary>
    public static int? ParseChoice(string? text, int count)
    {
        var normalized = Normalize(text);
        var value = normalized.Length == 1 && char.IsAsciiDigit(normalized[0])
            ? normalized[0] - '0'
            : NumberWords.GetValueOrDefault(normalized);
        return value >= 1 && value <= count ? value : null;
    }

    /// <summary>A language chosen from the menu: its number, its code or its name.</summary>
    public static Language? ParseLanguageChoice(string? text) => ParseLanguageChoice(text, Languages.All);

    /// <summary>A language chosen from a menu offering <paramref name="offered"/> (numbered in that order); others are no choice.</summary>
    public static Language? ParseLanguageChoice(string? text, IReadOnlyList<Language> offered)
    {
        // Names first: "ewo" is Ewondo's code before it is Duala's "one".
        if (Languages.TryParse(Normalize(text), out var language))
        {
            return offered.Contains(language) ? language : null;
        }
        return ParseChoice(text, offered.Count) is { } choice ? offered[choice - 1] : null;
    }

    public static bool IsSkip(string? text) => SkipWords.Contains(Normalize(text));

    // Yes/no in English, French and LEXICON.md's Duala (ee/kɛ́m), Basaa (ŋ̀ŋ̂/tɔ̀), Ewondo (owé/tɛgɛ), folded.
    private static readonly HashSet<string> YesWords = new(StringComparer.Ordinal) { "1", "yes", "y", "ok", "oui", "confirm", "confirme", "ee", "ngng", "owe" };
    private static readonly HashSet<string> NoWords = new(StringComparer.Ordinal) { "2", "no", "n", "non", "decline", "kem", "to", "tege" };

    /// <summary>A yes (1) or a no (2), or null.</summary>
    public static bool? ParseYesNo(string? text)
    {
        var word = Normalize(text);
        return YesWords.Contains(word) ? true : NoWords.Contains(word) ? false : null;
    }

    /// <summary>Folded, trimmed of spaces and surrounding punctuation; keycap and full-width digits made plain.</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var plain = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            // Keycap emoji (4️⃣) are a digit followed by U+FE0F U+20E3.
            if (c is '\uFE0F' or '\u20E3')
            {
                continue;
            }
            plain.Append(c);
        }
        var folded = Folding.Fold(plain.ToString());
        return folded.Trim().Trim('.', '!', '?', ',', ';', ':', '"', '\'', '(', ')', ' ', '\t', '\r', '\n').Trim();
    }

    // Text elements that are not white space, e.g. ["⭐","⭐"]; empty when the text holds letters or digits.
    private static List<string> Symbols(string text)
    {
        var symbols = new List<string>();
        var elements = StringInfo.GetTextElementEnumerator(text.Trim());
        while (elements.MoveNext())
        {
            var element = ((string)elements.Current).Replace("\uFE0F", "", StringComparison.Ordinal);
            if (string.IsNullOrWhiteSpace(element))
            {
                continue;
            }
            if (element.Any(char.IsLetterOrDigit))
            {
                return [];
            }
            symbols.Add(element);
        }
        return symbols;
    }

    // "4", "4/5", "4 / 5", "4 sur 5", "4 out of 5", "4 stars", "4 etoiles".
    [GeneratedRegex(@"^([1-5])(?:\s*(?:/|sur|out of|of)\s*5|\s*(?:stars?|etoiles?))?$", RegexOptions.CultureInvariant)]
    private static partial Regex RatingPattern();
}
