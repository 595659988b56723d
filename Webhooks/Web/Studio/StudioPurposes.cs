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
        return FrenchEntries(reader.ReadToEnd());
    }

    /// <summary>
    /// The <c>studio.purpose.{key}</c> entries of the French blocks of <paramref name="script"/> (<c>fr: {</c> in
    /// <c>TF_TEXTS</c>, or <c>Object.assign(window.TF_TEXTS.fr, {</c>): an English entry, should one be added, is neither
    /// taken for French nor a second copy of its key.
    /// </summary>
    internal static FrozenDictionary<string, string> FrenchEntries(string script)
    {
        var blocks = Block().Matches(script).Select(m => (m.Index, French: m.Groups["lang"].Value == "fr")).ToList();
        var french = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match entry in Entry().Matches(script))
        {
            var block = blocks.LastOrDefault(b => b.Index < entry.Index);
            if (block.French)
            {
                french[entry.Groups["key"].Value] = JsonSerializer.Deserialize<string>(entry.Groups["text"].Value)!;
            }
        }
        return french.ToFrozenDictionary(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"""studio\.purpose\.(?<key>[A-Za-z0-9_]+)"":\s*(?<text>""(?:[^""\\]|\\.)*"")")]
    private static partial Regex Entry();

    // The start of a language's block: `fr: {` inside TF_TEXTS, or `TF_TEXTS.fr, {` in an Object.assign.
    [GeneratedRegex(@"(?:^\s*(?<lang>[a-z]{2,3}):\s*\{|TF_TEXTS\.(?<lang>[a-z]{2,3}),\s*\{)", RegexOptions.Multiline)]
    private static partial Regex Block();
}
