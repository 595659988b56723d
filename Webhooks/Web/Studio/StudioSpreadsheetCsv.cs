using System.Text;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>
/// CSV as RFC 4180 has it: fields quoted when they hold a separator, a quote or a line break, quotes
/// doubled, CRLF between records. Reading also takes the semicolons and tabs that Excel writes in
/// French and other locales (the separator is the one the header row uses).
/// </summary>
public static class StudioSpreadsheetCsv
{
    public static void WriteRecord(StringBuilder output, IEnumerable<string?> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                output.Append(',');
            }
            first = false;
            var value = field ?? "";
            if (value.AsSpan().IndexOfAny(",\"\r\n;\t") >= 0)
            {
                output.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                output.Append(value);
            }
        }
        output.Append("\r\n");
    }

    /// <summary>The records of <paramref name="text"/>, or null when a quoted field never closes.</summary>
    public static List<string?[]>? Parse(string text)
    {
        var separator = Separator(text);
        var records = new List<string?[]>();
        var record = new List<string?>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && field.Length == 0)
            {
                // A quoted field: runs to the next lone quote; "" is one quote.
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        return null;
                    }
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                continue;
            }
            if (c == separator)
            {
                record.Add(field.ToString());
                field.Clear();
                i++;
            }
            else if (c is '\r' or '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add([.. record]);
                record.Clear();
                i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            }
            else
            {
                field.Append(c);
                i++;
            }
        }
        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add([.. record]);
        }
        return records;
    }

    // The header row names the columns without quotes in what the studio writes; count outside quotes anyway.
    private static char Separator(string text)
    {
        int comma = 0, semicolon = 0, tab = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\r' or '\n')
            {
                break;
            }
            else if (!quoted)
            {
                comma += c == ',' ? 1 : 0;
                semicolon += c == ';' ? 1 : 0;
                tab += c == '\t' ? 1 : 0;
            }
        }
        return semicolon > comma && semicolon >= tab ? ';' : tab > comma ? '\t' : ',';
    }
}
