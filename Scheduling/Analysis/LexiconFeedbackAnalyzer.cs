using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>
/// Sentiment from the rating and English/French word lists plus emoji (and the few Duala/Basaa
/// words LEXICON.md trusts); topics by keywords; alarming words (death, emergency, abuse, bribe) in en/fr.
/// </summary>
public sealed class LexiconFeedbackAnalyzer : IFeedbackAnalyzer
{
    private static readonly HashSet<string> Positive = Set(
        "good", "great", "excellent", "kind", "thank", "thanks", "clean", "fast", "quick", "helpful", "friendly", "happy", "satisfied", "professional", "caring",
        "bon", "bien", "bonne", "excellent", "gentil", "gentille", "gentils", "merci", "propre", "rapide", "accueillant", "satisfait", "content", "professionnel",
        "bwam", "longe", "😀", "😊", "🙂", "👍", "❤", "😍");

    private static readonly HashSet<string> Negative = Set(
        "bad", "poor", "rude", "dirty", "slow", "long", "wait", "waited", "waiting", "expensive", "terrible", "awful", "angry", "ignored", "pain", "never", "worst",
        "mauvais", "mauvaise", "impoli", "impolie", "sale", "lent", "lente", "longue", "attente", "attendu", "cher", "chere", "chers", "cheres", "terrible", "fache", "ignore", "douleur", "jamais", "pire",
        "ndutu", "😡", "😞", "🙁", "😢", "👎");

    private static readonly Dictionary<string, string[]> TopicWords = new()
    {
        ["waiting_time"] = ["wait", "waited", "waiting", "queue", "hours", "slow", "long", "attente", "attendu", "attendre", "heures", "file", "lent", "longue"],
        ["staff_attitude"] = ["rude", "kind", "nurse", "nurses", "doctor", "staff", "friendly", "ignored", "impoli", "gentil", "gentille", "infirmier", "infirmiere", "infirmieres", "medecin", "docteur", "personnel", "accueil"],
        ["cleanliness"] = ["dirty", "clean", "toilet", "toilets", "smell", "hygiene", "sale", "propre", "toilettes", "odeur", "proprete"],
        ["cost"] = ["cost", "expensive", "price", "money", "pay", "paid", "fee", "fees", "bill", "cher", "chere", "chers", "cheres", "prix", "argent", "payer", "paye", "frais", "facture"],
        ["medication"] = ["medicine", "medicines", "drug", "drugs", "pharmacy", "prescription", "tablets", "medicament", "medicaments", "pharmacie", "ordonnance", "comprimes"],
        ["communication"] = ["explain", "explained", "information", "listen", "understand", "language", "expliquer", "explique", "ecouter", "comprendre", "langue"],
    };

    private static readonly HashSet<string> Alarm = Set(
        "death", "died", "dead", "dying", "emergency", "abuse", "abused", "bribe", "bribes", "assault", "beaten",
        "mort", "morte", "deces", "decede", "decedee", "urgence", "abus", "corruption", "pot-de-vin", "agression", "frappe", "battu");

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

    public Task<Analysis> AnalyzeAsync(int rating, string? comment, string language, CancellationToken cancellationToken)
    {
        var words = Words(comment);
        var lexicon = words.Count(Positive.Contains) - words.Count(Negative.Contains);
        // The rating carries most of the weight; the words tip it.
        var score = Math.Clamp((rating - 3) / 2.0 + 0.2 * Math.Clamp(lexicon, -3, 3) / 3.0 * 2, -1, 1);
        var sentiment = score > 0.2 ? "positive" : score < -0.2 ? "negative" : "neutral";
        var topics = TopicWords.Where(t => t.Value.Any(words.Contains)).Select(t => t.Key).ToList();
        var alarming = words.Any(Alarm.Contains) || (comment is not null && Folding.Fold(comment).Contains("pot-de-vin", StringComparison.Ordinal));
        return Task.FromResult(new Analysis(sentiment, Math.Round(score, 2), topics, alarming, DetectLanguage(comment)));
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
