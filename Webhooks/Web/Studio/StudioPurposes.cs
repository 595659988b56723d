using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>
/// A studio text's purpose in the staff's language. The French ones are those the page shows: read once from the
/// pages' own <c>i18n.js</c> (its <c>studio.purpose.{key}</c> entries), so the page and the spreadsheet say the same
/// and there is one copy to keep.
/// </summary>
public static partial class StudioPurposes
{
    private static readonly Lazy<FrozenDictionary<string, string>> French = new(ReadFrench);

    /// <summary>The purpose of <paramref name="key"/> in French, or null when i18n.js has none.</summary>
    public static string? InFrench(string key) => French.Value.GetValueOrDefault(key);

    private static FrozenDictionary<string, string> ReadFrench()
    {
        using var stream = typeof(StudioPurposes).Assembly.GetManifestResourceStream("web/i18n.js")
            ?? throw new InvalidOperationException("web/i18n.js is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        // Every studio.purpose entry of i18n.js is French: the English one comes from the server.
        return Entry().Matches(reader.ReadToEnd())
            .ToFrozenDictionary(m => m.Groups["key"].Value, m => JsonSerializer.Deserialize<string>(m.Groups["text"].Value)!, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"""studio\.purpose\.(?<key>[A-Za-z0-9_]+)"":\s*(?<text>""(?:[^""\\]|\\.)*"")")]
    private static partial Regex Entry();
}
