namespace TwilioFeedback.Resources.Texts;

/// <summary>Names of the patient-facing texts in Messages.*.resx.</summary>
public static class MessageKeys
{
    public const string LanguageMenu = nameof(LanguageMenu);
    public const string LanguageMenuAgain = nameof(LanguageMenuAgain);
    public const string AskRating = nameof(AskRating);
    public const string AskRatingAgain = nameof(AskRatingAgain);
    public const string AskComment = nameof(AskComment);
    public const string AskCommentAgain = nameof(AskCommentAgain);
    public const string Thanks = nameof(Thanks);
    public const string CommentAdded = nameof(CommentAdded);
    public const string TooManyMisses = nameof(TooManyMisses);
    public const string OptedOut = nameof(OptedOut);
    public const string OptedIn = nameof(OptedIn);
    public const string Help = nameof(Help);

    /// <summary>Every key, for the completeness and segment-count tests.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        LanguageMenu, LanguageMenuAgain, AskRating, AskRatingAgain, AskComment, AskCommentAgain,
        Thanks, CommentAdded, TooManyMisses, OptedOut, OptedIn, Help,
    ];
}
