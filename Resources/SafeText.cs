using System.Globalization;
using System.Text;

namespace TwilioFeedback.Resources;

/// <summary>Makes patient text safe to store: no control characters (PostgreSQL refuses NUL), cut on a whole character.</summary>
public static class SafeText
{
    public static string Clean(string text, int maxLength)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxLength));
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = (string)elements.Current;
            if (element.Length == 1 && char.IsControl(element[0]) && element[0] is not ('\n' or '\t'))
            {
                continue;
            }
            if (builder.Length + element.Length > maxLength)
            {
                break;
            }
            builder.Append(element);
        }
        return builder.ToString();
    }
}
