namespace TwilioFeedback.Persistence;

/// <summary>
/// A person's correction of what the machine found (transcript, translation, sentiment, topics):
/// labelled data for improving the analyzer, exported as CSV. Texts are patient data: encrypted.
/// </summary>
public sealed class FeedbackCorrection
{
    public long Id { get; set; }

    public long FeedbackId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The staff member who corrected it.</summary>
    public required string Actor { get; set; }

    /// <summary>transcript, translation, sentiment or topics.</summary>
    public required string Field { get; set; }

    /// <summary>What the machine (or an earlier correction) said.</summary>
    public string? Before { get; set; }

    public string? After { get; set; }

    /// <summary>The comment's language: the label's context.</summary>
    public required string Language { get; set; }

    /// <summary>The words the label is about (comment, transcript or translation), as they were then.</summary>
    public string? Text { get; set; }
}
