namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>Weighs a comment's words (see <see cref="SentimentLexicon"/>): negative below zero, positive above.</summary>
internal static class SentimentScorer
{
    private const int NegationReach = 3;
    private const double Intensified = 1.6;
    private const double BeforeContrast = 0.4;
    private static readonly int LongestPhrase = SentimentLexicon.Phrases.Keys.Max(p => p.Split(' ').Length);

    /// <summary>The sum of the weighed words, and how many words carried a judgement.</summary>
    public static (double Sum, int Hits) Score(List<string> tokens)
    {
        if (tokens.Count == 0)
        {
            return (0, 0);
        }
        var value = new double[tokens.Count];
        var flipped = new bool[tokens.Count];
        var hits = 0;
        var clauseStart = 0;
        var sawNe = false;
        // The open negation: where it ends, what it costs if it negated no word, whether it did.
        var negationUntil = -1;
        var negationAt = -1;
        var negationPenalty = 0.0;
        var negated = false;
        var boost = 1.0;
        var boostUntil = -1;

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (negationUntil >= 0 && i > negationUntil)
            {
                CloseNegation();
            }
            if (boostUntil < i)
            {
                boost = 1;
            }
            if (token == CommentTokens.Break)
            {
                CloseNegation();
                boost = 1;
                sawNe = false;
                clauseStart = i + 1;
                continue;
            }
            if (SentimentLexicon.Contrasts.Contains(token) && (token != "contre" || i > 0 && tokens[i - 1] == "par"))
            {
                CloseNegation();
                for (var j = 0; j < i; j++)
                {
                    value[j] *= BeforeContrast;
                }
                boost = 1;
                sawNe = false;
                clauseStart = i + 1;
                continue;
            }
            if (TryPhrase(tokens, i, out var phraseWeight, out var length))
            {
                if (phraseWeight is { } weight)
                {
                    value[i] += weight * boost;
                    hits++;
                }
                i += length - 1;
                continue;
            }
            if (i + 1 < tokens.Count && SentimentLexicon.NeverSeen.Contains(token + " " + tokens[i + 1]))
            {
                (boost, boostUntil) = (Intensified, i + 6);
                i++;
                continue;
            }
            if ((token == "du" && Next(tokens, i) == "tout") || (token == "at" && Next(tokens, i) == "all"))
            {
                // "pas gentil du tout": the last judgement of the clause, stronger.
                for (var j = i - 1; j >= clauseStart; j--)
                {
                    if (value[j] != 0)
                    {
                        value[j] *= 1.5;
                        break;
                    }
                }
                i++;
                continue;
            }
            if (SentimentLexicon.FrenchNe.Contains(token))
            {
                sawNe = true;
                OpenNegation(i, i + NegationReach + 1, -0.8);
                continue;
            }
            if (SentimentLexicon.Nobody.Contains(token) && SentimentLexicon.FrenchNe.Contains(Next(tokens, i) ?? ""))
            {
                sawNe = true;
                OpenNegation(i, i + NegationReach + 2, -1);
                i++;
                continue;
            }
            if (SentimentLexicon.Lacks.Contains(token))
            {
                OpenNegation(i, i + NegationReach, -1);
                continue;
            }
            if (SentimentLexicon.Negators.Contains(token) && (token != "plus" || sawNe || Next(tokens, i) == "jamais"))
            {
                // After the verb in French ("explique rien", "marche pas"): the verb just before is what is negated.
                var lookedBack = false;
                if (token is "pas" or "pa" or "rien" or "jamais" or "plus")
                {
                    for (var j = i - 1; j >= Math.Max(clauseStart, i - 2); j--)
                    {
                        if (SentimentLexicon.Find(tokens[j]) is { VerbBeforeNegation: true } verb && !flipped[j])
                        {
                            value[j] = verb.WhenNegated;
                            flipped[j] = true;
                            hits += verb.Weight == 0 ? 1 : 0;
                            negated = lookedBack = true;
                            break;
                        }
                    }
                }
                if (lookedBack && negationUntil < i)
                {
                    continue;
                }
                var neither = token is "ni" or "neither" or "nor";
                if (negationUntil >= i && negated && !neither)
                {
                    continue; // "ne … pas" after its word was already negated
                }
                if (neither)
                {
                    CloseNegation();
                }
                OpenNegation(negationUntil >= i ? negationAt : i, i + NegationReach, negationUntil >= i ? negationPenalty : token is "ni" or "neither" or "nor" ? 0 : -0.8);
                continue;
            }
            if (SentimentLexicon.Excess.Contains(token))
            {
                (boost, boostUntil) = (Math.Min(boost * Intensified, 3), i + 2);
                var next = Next(tokens, i, skip: ["de", "d", "much", "many"]);
                if ((next is null || next == CommentTokens.Break) && i > 0 || next is not null && next != CommentTokens.Break && SentimentLexicon.Find(next) is null
                    && !SentimentLexicon.Excess.Contains(next) && !SentimentLexicon.Intensifiers.Contains(next) && !SentimentLexicon.Negators.Contains(next))
                {
                    value[i] -= 0.8; // "trop petit", "too small"
                    hits++;
                }
                continue;
            }
            if (SentimentLexicon.Intensifiers.Contains(token))
            {
                (boost, boostUntil) = (Math.Min(boost * Intensified, 3), i + 2);
                continue;
            }
            if (SentimentLexicon.Find(token) is not { } entry)
            {
                continue;
            }
            if (negationUntil >= i && !negated)
            {
                // "ni bien ni mal", "neither good nor bad": neither way.
                var neither = tokens[negationAt] is "ni" or "neither" or "nor";
                value[i] += neither ? 0 : entry.WhenNegated * boost;
                flipped[i] = true;
                negated = true;
                hits++;
            }
            else if (entry.Weight != 0)
            {
                value[i] += entry.Weight * boost;
                hits++;
            }
        }
        CloseNegation();
        var sum = 0.0;
        foreach (var v in value)
        {
            sum += v;
        }
        return (sum, hits);

        void OpenNegation(int at, int until, double penalty)
        {
            var continuing = negationUntil >= 0 && at == negationAt;
            if (negationUntil >= 0 && !continuing)
            {
                CloseNegation();
            }
            if (!continuing)
            {
                negated = false;
            }
            (negationAt, negationUntil, negationPenalty) = (at, until, penalty);
        }

        void CloseNegation()
        {
            if (negationUntil >= 0 && !negated && negationPenalty != 0)
            {
                value[negationAt] += negationPenalty;
                hits++;
            }
            (negationUntil, negationAt, negated) = (-1, -1, false);
        }
    }

    private static bool TryPhrase(List<string> tokens, int at, out double? weight, out int length)
    {
        for (length = Math.Min(LongestPhrase, tokens.Count - at); length >= 1; length--)
        {
            var phrase = length == 1 ? tokens[at] : string.Join(' ', tokens.GetRange(at, length));
            if (SentimentLexicon.Phrases.TryGetValue(phrase, out weight))
            {
                return true;
            }
        }
        weight = null;
        return false;
    }

    private static string? Next(List<string> tokens, int at, string[]? skip = null)
    {
        for (var i = at + 1; i < tokens.Count; i++)
        {
            if (skip is null || !skip.Contains(tokens[i]))
            {
                return tokens[i];
            }
        }
        return null;
    }
}
