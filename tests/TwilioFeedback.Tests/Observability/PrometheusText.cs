using System.Globalization;
using System.Text.RegularExpressions;

namespace TwilioFeedback.Tests.Observability;

/// <summary>A scrape of <c>/metrics</c>, parsed as Prometheus reads the text format.</summary>
public sealed partial class PrometheusText
{
    private PrometheusText(Dictionary<string, double> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    /// <summary>Each sample by its series, written <c>name{a="x",b="y"}</c> with labels sorted by name.</summary>
    public IReadOnlyDictionary<string, double> Samples { get; }

    /// <summary>Each metric family's <c># TYPE</c>.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>The sample's value, or 0 when the series has not appeared yet.</summary>
    public double this[string name, params (string Label, string Value)[] labels] =>
        Samples.GetValueOrDefault(Series(name, labels));

    public static string Series(string name, params (string Label, string Value)[] labels) =>
        labels.Length == 0 ? name : $"{name}{{{string.Join(',', labels.OrderBy(l => l.Label, StringComparer.Ordinal).Select(l => $"{l.Label}=\"{l.Value}\""))}}}";

    public static PrometheusText Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#'))
            {
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToArray();
            samples[Series(match.Groups["name"].Value, labels)] = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var value => double.Parse(value, CultureInfo.InvariantCulture),
            };
        }
        return new PrometheusText(samples, types);
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?""")]
    private static partial Regex LabelPair();
}
