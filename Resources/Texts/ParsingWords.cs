using System.Resources;

namespace TwilioFeedback.Resources.Texts;

/// <summary>
/// The parsing words: per language, what patients may type for yes, no, the numbers and the keywords.
/// The built-in lists are <c>Words_*</c> in Messages.*.resx; an approved studio list replaces a
/// language's built-in one, and patients are read with the lists of every language at once.
/// </summary>
public static class ParsingWords
{
    public const string Yes = "Words_Yes";
    public const string No = "Words_No";
    public const string Numbers = "Words_Numbers";
    public const string Stop = "Words_Stop";
    public const string Start = "Words_Start";
    public const string Help = "Words_Help";
    public const string Language = "Words_Language";

    public static IReadOnlyList<string> All { get; } = [Yes, No, Numbers, Stop, Start, Help, Language];

    private static readonly ResourceManager Built = new(typeof(Messages));

    /// <summary>The built-in list of <paramref name="key"/> in <paramref name="language"/>, as written in its .resx.</summary>
    public static string BuiltIn(string key, Resources.Language language) =>
        Built.GetString(key, language.Culture()) ?? throw new KeyNotFoundException($"No words '{key}' in Resources/Texts/Messages.resx.");

    /// <summary>
    /// The entries of a list in order, each with its words: <c>"un / une, deux"</c> → [[un, une], [deux]]
    /// (a <c>/</c> separates words of the same entry; the numbers list is one to five in that order).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Entries(string list) =>
        [.. list.Split(',').Select(entry => (IReadOnlyList<string>)[.. entry.Split('/')
            .Select(word => word.Trim())
            .Where(word => word.Length > 0)])];
}
