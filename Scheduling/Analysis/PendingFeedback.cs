namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>A feedback row waiting for analysis, its comment as stored (encrypted).</summary>
public sealed record PendingFeedback(long Id, int Rating, string? Content, string Language, DateTimeOffset? EscalatedAt);
