using Microsoft.Extensions.Options;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>
/// Reads a comment's words: English and French lexicons of hospital care, negation ("pas", "n'… pas",
/// "jamais", "sans", "not", "never") over the next words of the clause, contrast (what follows "mais"/"but"
/// outweighs what came before), intensifiers ("très", "trop", "very"), emoji; the rating counts for less
/// than clear words. Topics from <see cref="TopicCatalog"/>; alarming words (death, abuse, bribe…) in en/fr.
/// </summary>
public sealed class LexiconFeedbackAnalyzer(IOptions<AnalysisOptions> options) : IFeedbackAnalyzer
{
    private readonly TopicCatalog _topics = new(options.Value);

    private static readonly HashSet<string> Alarm = Set(
        "death", "died", "dead", "dying", "emergency", "abuse", "abused", "bribe", "bribes", "assault", "beaten", "slapped", "drunk",
        "mort", "morte", "deces", "decede", "decedee", "urgence", "abus", "corruption", "pot-de-vin", "agression", "frappe", "battu",
        "gifle", "tchoko", "gombo", "saoul");

    /// <summary>Short words that say which language a comment is in (folded; the few LEXICON.md trusts for dua/bas/ewo).</summary>
    private static readonly Dictionary<string, HashSet<string>> LanguageMarkers = new()
    {
        ["en"] = Set("the", "and", "was", "were", "is", "are", "very", "not", "my", "to", "of", "we", "they", "with", "but", "thank", "thanks", "good", "bad", "it", "this", "for", "you", "nurse", "doctor"),
        ["fr"] = Set("le", "la", "les", "et", "est", "etait", "tres", "pas", "de", "des", "du", "mon", "ma", "mes", "je", "nous", "ils", "avec", "mais", "merci", "bon", "bonne", "une", "un", "trop", "pour", "personnel", "accueil"),
        ["dua"] = Set("ɓwàḿ", "jóŋgwanɛ", "wɛ́ŋgɛ̄", "kíɛlɛ"),
        ["bas"] = Set("lɔŋgɛ̂", "holâ", "yàni"),
        ["ewo"] = Set("mbolo", "okírí", "angogé"),
    };

    /// <summary>
    /// The comment's language: the one whose marker words it uses most, if clearly ahead (two words, and
    /// more than any other); a single Duala, Basaa or Ewondo word is enough, as those are distinctive.
    /// </summary>
    public static string? DetectLanguage(string? comment)
    {
        var words = Words(comment);
        var counts = LanguageMarkers.Select(l => (Code: l.Key, Count: words.Count(l.Value.Contains))).OrderByDescending(l => l.Count).ToList();
        var (best, runnerUp) = (counts[0], counts[1]);
        var enough = best.Code is "en" or "fr" ? 2 : 1;
        return best.Count >= enough && best.Count > runnerUp.Count ? best.Code : null;
    }

    public Task<Analysis> AnalyzeAsync(int rating, string? comment, string language, CancellationToken cancellationToken) =>
        Task.FromResult(Analyze(rating, comment));

    /// <summary>The analysis, synchronously (it does no I/O).</summary>
    public Analysis Analyze(int rating, string? comment)
    {
        var tokens = CommentTokens.Read(comment);
        var (text, hits) = SentimentScorer.Score(tokens);
        var fromRating = (rating - 3) / 2.0;
        var fromText = Math.Tanh(text / 1.5);
        // Clear words outweigh the rating; with no words the rating decides.
        var score = hits == 0 ? fromRating : Math.Clamp(0.7 * fromText + 0.3 * fromRating, -1, 1);
        var sentiment = score >= 0.15 ? "positive" : score <= -0.15 ? "negative" : "neutral";
        var disagrees = hits > 0 && (rating >= 4 && fromText <= -0.3 || rating <= 2 && fromText >= 0.3);
        if (disagrees)
        {
            score = 0.8 * fromText + 0.2 * fromRating; // the words say what went wrong (or right)
        }
        var confidence = hits == 0
            ? (rating == 3 ? 0.3 : 0.6)
            : Math.Min(0.95, 0.45 + 0.3 * Math.Abs(fromText) + 0.05 * Math.Min(hits, 4)) * (disagrees ? 0.6 : 1);
        var topics = _topics.Find(tokens);
        var alarming = tokens.Any(Alarm.Contains) || (comment is not null && Folding.Fold(comment).Contains("pot-de-vin", StringComparison.Ordinal));
        return new Analysis(sentiment, Math.Round(score, 2), topics, alarming, DetectLanguage(comment), Math.Round(confidence, 2), disagrees);
    }

    private static HashSet<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var words = new HashSet<string>(StringComparer.Ordinal);
        var folded = Folding.Fold(text);
        var current = new System.Text.StringBuilder();
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(folded);
        while (elements.MoveNext())
        {
            var element = ((string)elements.Current).Replace("\uFE0F", "", StringComparison.Ordinal);
            if (element.Length == 1 && (char.IsLetterOrDigit(element[0]) || element[0] == '-'))
            {
                current.Append(element);
                continue;
            }
            Flush();
            if (element.Length > 0 && !char.IsWhiteSpace(element[0]) && !char.IsPunctuation(element[0]))
            {
                words.Add(element); // an emoji
            }
        }
        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString().Trim('-'));
                current.Clear();
            }
        }
    }

    private static HashSet<string> Set(params string[] words) => new(words.Select(Folding.Fold), StringComparer.Ordinal);
}
