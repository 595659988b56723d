using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

/// <summary>The way a patient reaches us.</summary>
public enum Channel
{
    Sms,
    WhatsApp,
    Voice,
    Ussd,
    Web,
}

/// <summary>A spoken comment: a call recording or a WhatsApp voice note, still at the provider.</summary>
/// <param name="ProviderId">RecordingSid, or the MessageSid of a voice note.</param>
public sealed record InboundAudio(string ProviderId, string Url, string ContentType);

/// <summary>One thing a patient sent, whatever the channel.</summary>
/// <param name="ProviderMessageId">Twilio's MessageSid (or the channel's equivalent for one step): a retried delivery carries the same one.</param>
/// <param name="Digits">Keys pressed on a call (or typed on a USSD menu).</param>
/// <param name="SessionId">A call's CallSid or a USSD sessionId: the conversation belongs to it rather than to the number.</param>
public sealed record Inbound(
    Channel Channel,
    string From,
    string To,
    string? Text,
    string ProviderMessageId,
    string? Digits = null,
    InboundAudio? Audio = null,
    string? SessionId = null)
{
    /// <summary>What the patient answered: typed text, else the keys pressed.</summary>
    public string? Answer => string.IsNullOrEmpty(Text) ? Digits : Text;
}

/// <summary>What the engine knows of the patient before it answers.</summary>
/// <param name="AwaitingConfirmation">A reminder sent to the patient waits for 1 (confirm) or 2 (decline).</param>
public sealed record PatientSnapshot(Language? PreferredLanguage, bool OptedOut, bool AwaitingConfirmation = false)
{
    public static PatientSnapshot Unknown { get; } = new(null, false);
}

/// <summary>One text to show or say: a key in Resources/Texts and its arguments.</summary>
public sealed record Prompt(string Key, IReadOnlyList<string> Args);

/// <summary>What to send back: prompts in one language, or nothing.</summary>
/// <param name="Awaiting">The kind of answer the next message should carry; null when the conversation is over
/// (a call hangs up, a USSD session ends).</param>
public sealed record Reply(IReadOnlyList<Prompt> Prompts, Language Language, QuestionKind? Awaiting = null)
{
    public static Reply None(Language language) => new([], language);

    public static Reply Of(string key, Language language, QuestionKind? awaiting = null) => new([new Prompt(key, [])], language, awaiting);

    public bool IsEmpty => Prompts.Count == 0;
}

/// <summary>Where a patient is in the survey. Kept in Redis with a time to live.</summary>
public sealed record ConversationState
{
    /// <summary>The id of the message that started it; the feedback row is keyed by it.</summary>
    public required string ConversationId { get; init; }

    public required string QuestionId { get; init; }

    public Language? Language { get; init; }

    public int Misses { get; init; }

    public int? Rating { get; init; }

    /// <summary>After a language change asked mid-survey, the question to go back to.</summary>
    public string? ResumeQuestionId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A change the engine asks its caller to make; applied in one place, idempotently.</summary>
public abstract record Effect;

public sealed record SetLanguage(Language Language) : Effect;

public sealed record OptOut : Effect;

public sealed record OptIn : Effect;

/// <summary>Store the rating now, so that it is never lost even if the comment never comes.</summary>
public sealed record SaveRating(string ConversationId, int Rating, Language Language) : Effect;

/// <summary>Set (or, when <paramref name="Append"/>, extend) the comment of the conversation's feedback.</summary>
public sealed record SaveComment(string ConversationId, string Text, bool Append) : Effect;

/// <summary>The patient's answer to the reminder waiting for confirmation.</summary>
public sealed record AnswerReminder(bool Confirmed) : Effect;

/// <summary>Link a spoken comment to the conversation's feedback; its audio is fetched in the background.</summary>
public sealed record SaveVoiceComment(string ConversationId, InboundAudio Audio) : Effect;

/// <summary>The engine's answer: the next state (null: the conversation is over), the reply, the effects.</summary>
public sealed record Outcome(ConversationState? Next, Reply Reply, IReadOnlyList<Effect> Effects);
