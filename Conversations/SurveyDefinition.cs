using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Conversations;

/// <summary>A survey: ordered questions, the closing texts and how many misses a question forgives.</summary>
public sealed record SurveyDefinition(
    string Id,
    IReadOnlyList<Question> Questions,
    string ThanksKey,
    string GiveUpKey,
    string CommentAddedKey,
    int RetryLimit,
    Language DefaultLanguage)
{
    /// <summary>The id of the state after the last question: extra messages are added to the comment.</summary>
    public const string Done = "done";

    /// <summary>Language (if unknown) → rating 1–5 → comment (skippable) → thanks.</summary>
    public static SurveyDefinition Default(Language defaultLanguage = Language.English) => new(
        "default",
        [
            new Question("language", QuestionKind.Language, MessageKeys.LanguageMenu, MessageKeys.LanguageMenuAgain),
            new Question("rating", QuestionKind.Rating, MessageKeys.AskRating, MessageKeys.AskRatingAgain),
            new Question("comment", QuestionKind.Comment, MessageKeys.AskComment, MessageKeys.AskCommentAgain, Skippable: true),
        ],
        MessageKeys.Thanks,
        MessageKeys.TooManyMisses,
        MessageKeys.CommentAdded,
        RetryLimit: 2,
        defaultLanguage);

    public Question? Find(string id) => Questions.FirstOrDefault(q => q.Id == id);

    /// <summary>The question after <paramref name="id"/> (or the first), skipping language questions.</summary>
    public Question? After(string? id)
    {
        var index = id is null ? -1 : Questions.ToList().FindIndex(q => q.Id == id);
        return Questions.Skip(index + 1).FirstOrDefault(q => q.Kind != QuestionKind.Language);
    }

    public Question? LanguageQuestion => Questions.FirstOrDefault(q => q.Kind == QuestionKind.Language);
}
