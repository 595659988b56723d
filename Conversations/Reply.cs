using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

/// <summary>One text to show or say: a key in Resources/Texts and its arguments.</summary>
public sealed record Prompt(string Key, IReadOnlyList<string> Args);

/// <summary>What to send back: prompts in one language, or nothing.</summary>
/// <param name="Awaiting">The kind of answer the next message should carry; null when the conversation is over
/// (a call hangs up, a USSD session ends).</param>
/// <param name="Menu">With a language menu: the languages it offers, numbered 1, 2, … in this order.</param>
public sealed record Reply(IReadOnlyList<Prompt> Prompts, Language Language, QuestionKind? Awaiting = null, IReadOnlyList<Language>? Menu = null)
{
    public static Reply None(Language language) => new([], language);

    public static Reply Of(string key, Language language, QuestionKind? awaiting = null) => new([new Prompt(key, [])], language, awaiting);

    public bool IsEmpty => Prompts.Count == 0;
}
