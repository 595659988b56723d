namespace TwilioFeedback.Persistence;

/// <summary>One piece of feedback: a rating and maybe a comment or a voice recording.</summary>
public sealed class Feedback
{
    public long Id { get; set; }

    public long PatientId { get; set; }

    public Patient Patient { get; set; } = null!;

    /// <summary>Language code: en, fr, dua, bas or ewo.</summary>
    public required string Language { get; set; }

    /// <summary>The comment. Patient data: never logged in clear.</summary>
    public string? Content { get; set; }

    public int Rating { get; set; }

    public long? VoiceRecordingId { get; set; }

    public VoiceRecording? VoiceRecording { get; set; }

    public DateTimeOffset DateSubmitted { get; set; }

    public bool Processed { get; set; }

    /// <summary>sms, whatsapp, voice, ussd, web or api.</summary>
    public required string Channel { get; set; }

    /// <summary>The provider id of the message that gave the rating (Twilio MessageSid): unique.</summary>
    public string? ProviderMessageId { get; set; }

    /// <summary>The conversation that produced it (its first message id): unique, so a rating is stored once.</summary>
    public string? ConversationId { get; set; }

    /// <summary>The last message applied to this row, so that a retried message changes it once.</summary>
    public string? LastMessageId { get; set; }

    /// <summary>Set by offline clients, so that a batch sent twice is stored once.</summary>
    public Guid? ClientId { get; set; }

    /// <summary>The language the comment is written in, as the analysis job reads it (null: not sure).</summary>
    public string? CommentLanguage { get; set; }

    /// <summary>positive, neutral or negative (set by the analysis job).</summary>
    public string? Sentiment { get; set; }

    public double? SentimentScore { get; set; }

    /// <summary>How sure the analysis is of its sentiment, from 0 to 1 (set by the analysis job).</summary>
    public double? AnalysisConfidence { get; set; }

    /// <summary>The comment says the opposite of the rating (4★ with "attente interminable").</summary>
    public bool? RatingDisagrees { get; set; }

    /// <summary>The comment holds alarming words (a death, a bribe, abuse): it escalates whatever the rating.</summary>
    public bool? Alarming { get; set; }

    /// <summary>waiting_time, staff_attitude, cleanliness, cost, medication, communication…</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>When staff were alerted about it (once).</summary>
    public DateTimeOffset? EscalatedAt { get; set; }

    /// <summary>What the spoken comment says: by a machine (<see cref="TranscriptBy"/> names the service) or by staff. Patient data: encrypted.</summary>
    public string? Transcript { get; set; }

    /// <summary>Who wrote <see cref="Transcript"/>: <c>machine:{model}@{host}</c>, or the staff member who wrote or corrected it.</summary>
    public string? TranscriptBy { get; set; }

    /// <summary>Where the spoken comment is on its way to a transcript (<see cref="TranscriptStates"/>); null without one.</summary>
    public string? TranscriptStatus { get; set; }

    public int TranscriptAttempts { get; set; }

    /// <summary>When the transcription job may try again (or when a claim expires).</summary>
    public DateTimeOffset? TranscriptNextAttemptAt { get; set; }

    /// <summary>Why there is no machine transcript (given up, or a language the service is not sent).</summary>
    public string? TranscriptError { get; set; }

    /// <summary>When a person confirmed (or wrote) the transcript.</summary>
    public DateTimeOffset? TranscriptConfirmedAt { get; set; }

    /// <summary>A French or English translation a person wrote for a comment in a local language. Patient data: encrypted.</summary>
    public string? Translation { get; set; }

    /// <summary>When staff confirmed or corrected the sentiment and topics (the analysis job then leaves them alone).</summary>
    public DateTimeOffset? ReviewedAt { get; set; }

    /// <summary>When a person marked it handled in the inbox, and who.</summary>
    public DateTimeOffset? HandledAt { get; set; }

    public string? HandledBy { get; set; }

    /// <summary>The department staff assigned it to in the inbox (one of <c>Hospital:Departments</c>); null until then.</summary>
    public string? Department { get; set; }

    /// <summary>The reminder row that carries the latest answer to the patient from the inbox.</summary>
    public long? ReplyReminderId { get; set; }
}
