using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

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
