using System.Globalization;
using System.Text;

namespace TwilioFeedback.Resources;

/// <summary>
/// Folds text for matching what patients type: lower case, no tone marks, and the special letters
/// of Duala, Basaa and Ewondo spelled with plain Latin ones (ɓ→b, ɛ→e, ɔ→o, ŋ→ng, ə→e).
/// </summary>
public static class Folding
{
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            switch (char.ToLowerInvariant(c))
            {
                case 'ɓ': builder.Append('b'); break;
                case 'ɛ': builder.Append('e'); break;
                case 'ɔ': builder.Append('o'); break;
                case 'ə': builder.Append('e'); break;
                case 'ŋ': builder.Append("ng"); break;
                case 'œ': builder.Append("oe"); break;
                case var lower: builder.Append(lower); break;
            }
        }
        return builder.ToString();
    }
}
