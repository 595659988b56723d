namespace TwilioFeedback.Resources;

/// <summary>The <c>{0}</c>-style placeholders of a text.</summary>
public static class Placeholders
{
    public static HashSet<string> Of(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"\{(?:\d+(?:[:,][^}]*)?|[a-z_]+)\}").Select(m => m.Value)];

    /// <summary>Fills named placeholders (<c>{date}</c>) of a template.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{([a-z_]+)\}", m => values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
}
