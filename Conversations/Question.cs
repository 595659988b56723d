namespace TwilioFeedback.Conversations;

/// <summary>What a question asks for, which decides how an answer is read.</summary>
public enum QuestionKind
{
    /// <summary>Asked only when the patient's language is unknown (or on LANG).</summary>
    Language,
    Rating,
    Comment,
}

/// <summary>One question of a survey, as data.</summary>
public sealed record Question(string Id, QuestionKind Kind, string PromptKey, string RetryPromptKey, bool Skippable = false);
