using System.Collections.Frozen;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Conversations;

/// <summary>
/// The words patients' answers are read with, precomputed once per change of the studio: for every
/// language, its approved studio list of each <see cref="ParsingWords"/> key, else the built-in .resx one,
/// all languages at once (a patient may answer in French while set to Duala). A word in two lists keeps the
/// first, in the order of <see cref="Languages.All"/>. Digits and Twilio's own keywords always count.
/// </summary>
public sealed class AnswerWords
{
    // Twilio acts on these itself whatever we do (opt-out, opt-in, help), so they always count as well.
    private static readonly (string Word, Keyword Keyword)[] TwilioKeywords =
    [
        ("stop", Keyword.OptOut), ("stopall", Keyword.OptOut), ("unsubscribe", Keyword.OptOut), ("cancel", Keyword.OptOut),
        ("end", Keyword.OptOut), ("quit", Keyword.OptOut), ("revoke", Keyword.OptOut), ("optout", Keyword.OptOut),
        ("start", Keyword.OptIn), ("unstop", Keyword.OptIn), ("yes", Keyword.OptIn), ("help", Keyword.Help), ("info", Keyword.Help),
    ];

    // Skipping the comment: the keypad's and common ways to say "nothing", besides every "no".
    private static readonly string[] SkipAlways = ["0", "*", "-", "skip", "pass", "passer", "none", "nothing", "nope", "rien"];

    private readonly FrozenDictionary<string, Keyword> _keywords;
    private readonly FrozenDictionary<string, int> _numbers;
    private readonly FrozenSet<string> _yes;
    private readonly FrozenSet<string> _no;
    private readonly FrozenSet<string> _skip;

    private AnswerWords(Func<string, Language, string?> approved)
    {
        var keywords = new Dictionary<string, Keyword>(StringComparer.Ordinal);
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        var yes = new HashSet<string>(StringComparer.Ordinal) { "1" };
        var no = new HashSet<string>(StringComparer.Ordinal) { "2" };
        foreach (var language in Languages.All)
        {
            IReadOnlyList<IReadOnlyList<string>> List(string key) =>
                [.. ParsingWords.Entries(approved(key, language) ?? ParsingWords.BuiltIn(key, language))
                    .Select(entry => (IReadOnlyList<string>)[.. entry.Select(Answers.Normalize).Where(w => w.Length > 0)])];
            IEnumerable<string> Words(string key) => List(key).SelectMany(e => e);

            foreach (var (key, keyword) in new[] { (ParsingWords.Stop, Keyword.OptOut), (ParsingWords.Start, Keyword.OptIn), (ParsingWords.Help, Keyword.Help), (ParsingWords.Language, Keyword.Language) })
            {
                foreach (var word in Words(key))
                {
                    keywords.TryAdd(word, keyword);
                }
            }
            var entries = List(ParsingWords.Numbers);
            for (var i = 0; i < entries.Count && i < 5; i++)
            {
                foreach (var word in entries[i])
                {
                    numbers.TryAdd(word, i + 1);
                }
            }
            yes.UnionWith(Words(ParsingWords.Yes));
            no.UnionWith(Words(ParsingWords.No).Where(w => !yes.Contains(w)));
        }
        foreach (var (word, keyword) in TwilioKeywords)
        {
            keywords[word] = keyword;
        }
        _keywords = keywords.ToFrozenDictionary(StringComparer.Ordinal);
        _numbers = numbers.ToFrozenDictionary(StringComparer.Ordinal);
        _yes = yes.ToFrozenSet(StringComparer.Ordinal);
        _no = no.ToFrozenSet(StringComparer.Ordinal);
        _skip = no.Where(w => w != "2").Concat(SkipAlways).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The built-in words only (no studio: tools, engine tests).</summary>
    public static AnswerWords BuiltIn { get; } = new((_, _) => null);

    /// <summary>The words with the studio's approved lists: <paramref name="approved"/> gives a list, or null where the built-in one serves.</summary>
    public static AnswerWords With(Func<string, Language, string?> approved) => new(approved);

    public Keyword KeywordOf(string normalized) => _keywords.GetValueOrDefault(normalized, Keyword.None);

    public int? Number(string normalized) => _numbers.TryGetValue(normalized, out var number) ? number : null;

    public bool IsYes(string normalized) => _yes.Contains(normalized);

    public bool IsNo(string normalized) => _no.Contains(normalized);

    public bool IsSkip(string normalized) => _skip.Contains(normalized);
}
