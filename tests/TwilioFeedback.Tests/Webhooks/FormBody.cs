namespace TwilioFeedback.Tests.WebhookTables;

/// <summary>Edits a raw url-encoded body field by field, keeping the order the provider sent them in.</summary>
public static class FormBody
{
    /// <summary>The body with each field's value replaced where it stands, or appended when it is new.</summary>
    public static string With(this string body, params (string Name, string Value)[] fields)
    {
        var parsed = Parse(body);
        foreach (var (name, value) in fields)
        {
            var at = parsed.FindIndex(p => p.Key == name);
            if (at < 0)
            {
                parsed.Add(new(name, value));
            }
            else
            {
                parsed[at] = new(name, value);
            }
        }
        return Encode(parsed);
    }

    /// <summary>The raw body of fields already in order (<see cref="Infrastructure.TwilioRequests.Message"/>'s, for one).</summary>
    public static string Of(IEnumerable<KeyValuePair<string, string>> fields) => Encode(fields);

    public static string Without(this string body, params string[] names) =>
        Encode(Parse(body).Where(p => !names.Contains(p.Key)));

    /// <summary>The fields in ordinal order of their names, as Twilio sends its voice requests.</summary>
    public static string Sorted(this string body) => Encode(Parse(body).OrderBy(p => p.Key, StringComparer.Ordinal));

    private static List<KeyValuePair<string, string>> Parse(string body) =>
        body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => new KeyValuePair<string, string>(Decode(pair[0]), pair.Length > 1 ? Decode(pair[1]) : ""))
            .ToList();

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static string Encode(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(p => $"{Escape(p.Key)}={Escape(p.Value)}"));

    private static string Escape(string text) => Uri.EscapeDataString(text).Replace("%20", "+", StringComparison.Ordinal);
}
