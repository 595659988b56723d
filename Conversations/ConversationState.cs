using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

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

    /// <summary>The USSD session (or call) it was last answered in: another one means the patient dialled again (<see cref="SessionResume"/>).</summary>
    public string? SessionId { get; init; }

    /// <summary>The "continue?" screen of a resumed session is waiting for its answer.</summary>
    public bool ResumeOffered { get; init; }
}
