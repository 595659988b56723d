using System.Globalization;
using System.Text;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>
/// A comment as the analyzer reads it: folded words (no accents, lower case, letters typed three times
/// or more kept once, English "n't" as "not"), emoji as words, and <see cref="Break"/> where a clause ends.
/// </summary>
public static class CommentTokens
{
    /// <summary>Stands for the end of a clause (. , ; : ! ? and line breaks).</summary>
    public const string Break = ".";

    public static List<string> Read(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return tokens;
        }
        var folded = Folding.Fold(text).Replace("n't", " not", StringComparison.Ordinal).Replace("n’t", " not", StringComparison.Ordinal);
        var word = new StringBuilder();
        var elements = StringInfo.GetTextElementEnumerator(folded);
        while (elements.MoveNext())
        {
            var element = ((string)elements.Current).Replace("\uFE0F", "", StringComparison.Ordinal);
            if (element.Length == 1 && char.IsLetterOrDigit(element[0]))
            {
                // "nuuul", "trooop": a letter typed three times or more counts once.
                if (!(word.Length >= 2 && word[^1] == element[0] && word[^2] == element[0]))
                {
                    word.Append(element[0]);
                }
                continue;
            }
            Flush();
            if (element.Length == 0 || char.IsWhiteSpace(element[0]) && element[0] is not ('\n' or '\r'))
            {
                continue;
            }
            if (element[0] is '.' or ',' or ';' or ':' or '!' or '?' or '\n' or '\r' or '(' or ')')
            {
                if (tokens.Count > 0 && tokens[^1] != Break)
                {
                    tokens.Add(Break);
                }
            }
            else if (element.Length > 1 || element[0] > '\u2000' && !char.IsPunctuation(element[0]))
            {
                tokens.Add(element); // an emoji
            }
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }
    }
}
