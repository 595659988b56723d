namespace TwilioFeedback.Tests.Analysis;

/// <summary>One labelled comment of Analysis/Data (see its README).</summary>
public sealed record LabelledComment(string Sentiment, IReadOnlySet<string> Topics, string Text)
{
    public static IReadOnlyList<LabelledComment> Load(string file) =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Analysis", "Data", file))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => new LabelledComment(f[0], f[1].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), f[2]))];
}
