namespace TwilioFeedback.Conversations;

/// <summary>The engine's answer: the next state (null: the conversation is over), the reply, the effects.</summary>
public sealed record Outcome(ConversationState? Next, Reply Reply, IReadOnlyList<Effect> Effects);
