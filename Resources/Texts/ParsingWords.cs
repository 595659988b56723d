namespace TwilioFeedback.Resources.Texts;

/// <summary>
/// The parsing words as studio items: per language, what patients may type. Patients are read with the
/// engine's built-in lists (English, French and the words of LEXICON.md); approved studio lists are not read yet.
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

    /// <summary>The built-in words, per language code (what the studio shows as the English and French source).</summary>
    public static string BuiltIn(string key, Resources.Language language) => (key, language) switch
    {
        (Yes, Resources.Language.English) => "yes, y, ok, confirm",
        (Yes, Resources.Language.French) => "oui, ok, confirme",
        (No, Resources.Language.English) => "no, n, decline, skip, none, nothing",
        (No, Resources.Language.French) => "non, rien, passer",
        (Numbers, Resources.Language.English) => "one, two, three, four, five",
        (Numbers, Resources.Language.French) => "un, deux, trois, quatre, cinq",
        (Stop, Resources.Language.English) => "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT",
        (Stop, Resources.Language.French) => "ARRET, ARRÊT",
        (Start, Resources.Language.English) => "START, UNSTOP",
        (Start, Resources.Language.French) => "START",
        (Help, Resources.Language.English) => "HELP, INFO",
        (Help, Resources.Language.French) => "AIDE, INFO",
        (Language, Resources.Language.English) => "LANG, LANGUAGE",
        (Language, Resources.Language.French) => "LANGUE, LANGAGE",
        _ => "",
    };
}
