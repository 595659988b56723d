namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>
/// What the analysis found in one piece of feedback: <c>Score</c> from -1 to 1, <c>Confidence</c> from 0 to 1,
/// <c>RatingDisagrees</c> when the comment says the opposite of the rating; <c>CommentLanguage</c> is null when unsure.
/// </summary>
public sealed record Analysis(
    string Sentiment, double Score, IReadOnlyList<string> Topics, bool Alarming, string? CommentLanguage = null, double Confidence = 0, bool RatingDisagrees = false);

/// <summary>Reads feedback; the lexicon one below can be replaced by a real NLP service.</summary>
public interface IFeedbackAnalyzer
{
    Task<Analysis> AnalyzeAsync(int rating, string? comment, string language, CancellationToken cancellationToken);
}
