namespace TwilioFeedback.Conversations;

/// <summary>Keywords that work in every state and every language.</summary>
public enum Keyword
{
    None,
    OptOut,
    OptIn,
    Help,
    Language,
}
