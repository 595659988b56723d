using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.Analysis;
using Xunit.Abstractions;

namespace TwilioFeedback.Tests.Analysis;

/// <summary>
/// The analyzer measured on the labelled sets, the rating withheld (given as 3): accuracy and per-topic F1
/// are printed; the targets are asserted on the held-out French set, floors on the others.
/// </summary>
public sealed class AnalyzerEvaluationTests(ITestOutputHelper output)
{
    private static readonly string[] TargetTopics = ["waiting_time", "staff_attitude", "cleanliness", "cost", "medication"];

    internal static Evaluation Evaluate(string file, ITestOutputHelper? output = null, bool showMisses = false)
    {
        var analyzer = new LexiconFeedbackAnalyzer(Options.Create(new AnalysisOptions()));
        var items = LabelledComment.Load(file);
        var correct = 0;
        var counts = TopicCatalog.BuiltIn.Keys.ToDictionary(t => t, _ => (Tp: 0, Fp: 0, Fn: 0));
        foreach (var item in items)
        {
            var analysis = analyzer.Analyze(3, item.Text);
            correct += analysis.Sentiment == item.Sentiment ? 1 : 0;
            if (showMisses && analysis.Sentiment != item.Sentiment)
            {
                output?.WriteLine($"  sentiment {item.Sentiment} read {analysis.Sentiment} ({analysis.Score}): {item.Text}");
            }
            foreach (var topic in counts.Keys)
            {
                var (expected, found) = (item.Topics.Contains(topic), analysis.Topics.Contains(topic));
                var c = counts[topic];
                counts[topic] = (c.Tp + (expected && found ? 1 : 0), c.Fp + (!expected && found ? 1 : 0), c.Fn + (expected && !found ? 1 : 0));
                if (showMisses && expected != found)
                {
                    output?.WriteLine($"  topic {topic} {(expected ? "missed" : "extra")}: {item.Text}");
                }
            }
        }
        var f1 = counts.ToDictionary(c => c.Key, c => c.Value.Tp == 0 ? 0 : 2.0 * c.Value.Tp / (2 * c.Value.Tp + c.Value.Fp + c.Value.Fn));
        var evaluation = new Evaluation(file, items.Count, (double)correct / items.Count, f1);
        output?.WriteLine($"{file}: {items.Count} comments, sentiment accuracy {evaluation.Accuracy:P1}");
        foreach (var (topic, score) in f1)
        {
            var c = counts[topic];
            output?.WriteLine($"  {topic,-22} F1 {score:F2} (found {c.Tp} of {c.Tp + c.Fn}, {c.Fp} extra)");
        }
        return evaluation;
    }

    [Fact]
    public void The_held_out_French_set_reaches_the_targets_with_the_rating_withheld()
    {
        var evaluation = Evaluate("fr-heldout.tsv", output);
        Assert.True(evaluation.Accuracy >= 0.85, $"sentiment accuracy {evaluation.Accuracy:P1} < 85 %");
        Assert.All(TargetTopics, topic => Assert.True(evaluation.F1[topic] >= 0.8, $"{topic} F1 {evaluation.F1[topic]:F2} < 0.8"));
    }

    [Theory]
    [InlineData("fr-dev.tsv")]
    [InlineData("en.tsv")]
    public void The_development_sets_stay_above_their_floors(string file)
    {
        var evaluation = Evaluate(file, output, showMisses: true);
        Assert.True(evaluation.Accuracy >= 0.85, $"sentiment accuracy {evaluation.Accuracy:P1} < 85 %");
        Assert.All(TargetTopics, topic => Assert.True(evaluation.F1[topic] >= 0.8, $"{topic} F1 {evaluation.F1[topic]:F2} < 0.8"));
    }
}

/// <summary>The figures of one set.</summary>
internal sealed record Evaluation(string File, int Count, double Accuracy, IReadOnlyDictionary<string, double> F1);
