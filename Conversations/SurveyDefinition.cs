using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Conversations;

/// <summary>A survey: ordered questions, the closing texts and the rules of each channel.</summary>
/// <param name="Rules">Per channel; a channel not listed gets <paramref name="DefaultRules"/>.</param>
public sealed record SurveyDefinition(
    string Id,
    IReadOnlyList<Question> Questions,
    string ThanksKey,
    string GiveUpKey,
    string CommentAddedKey,
    ChannelRules DefaultRules,
    IReadOnlyDictionary<Channel, ChannelRules> Rules,
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
        DefaultRules: new ChannelRules(RetryLimit: 2, HonoursOptOut: false),
        new Dictionary<Channel, ChannelRules>
        {
            [Channel.Sms] = new(RetryLimit: 2, HonoursOptOut: true),
            [Channel.WhatsApp] = new(RetryLimit: 2, HonoursOptOut: true),
            // On a call, silence or a wrong key gets the question once more, then a goodbye: nobody waits on hold.
            [Channel.Voice] = new(RetryLimit: 1, HonoursOptOut: false),
            // Operators cut USSD sessions after tens of seconds: dialling again within 10 minutes resumes the survey.
            [Channel.Ussd] = new(RetryLimit: 2, HonoursOptOut: false, ResumeWithin: TimeSpan.FromMinutes(10)),
        },
        defaultLanguage);

    /// <summary>Which languages each channel offers; the runner sets the studio's (or, for a preview number, every language).</summary>
    public LanguageOffer Offer { get; init; } = LanguageOffer.Everything;

    /// <summary>The words answers are read with; the runner sets the studio's (approved lists over the built-in ones).</summary>
    public AnswerWords Words { get; init; } = AnswerWords.BuiltIn;

    public ChannelRules RulesFor(Channel channel) => Rules.TryGetValue(channel, out var rules) ? rules : DefaultRules;

    public Question? Find(string id) => Questions.FirstOrDefault(q => q.Id == id);

    /// <summary>The question after <paramref name="id"/> (or the first), skipping language questions.</summary>
    public Question? After(string? id)
    {
        var index = id is null ? -1 : Questions.ToList().FindIndex(q => q.Id == id);
        return Questions.Skip(index + 1).FirstOrDefault(q => q.Kind != QuestionKind.Language);
    }

    public Question? LanguageQuestion => Questions.FirstOrDefault(q => q.Kind == QuestionKind.Language);
}
