namespace TwilioFeedback.Persistence;

/// <summary>A patient, known by an external id (e.g. PAT123) and/or a phone number.</summary>
public sealed class Patient
{
    public long Id { get; set; }

    /// <summary>The hospital's id for the patient (e.g. <c>PAT123</c>); generated for patients who first write in.</summary>
    public required string ExternalId { get; set; }

    /// <summary>E.164 number. Patient data: never logged in clear.</summary>
    public string? Phone { get; set; }

    /// <summary>HMAC-SHA256 of the E.164 number under the server's secret: the lookup key.</summary>
    public byte[]? PhoneHash { get; set; }

    public string? Email { get; set; }

    /// <summary>Language code: en, fr, dua, bas or ewo.</summary>
    public string? PreferredLanguage { get; set; }

    public DateTimeOffset? OptedOutAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<Feedback> Feedbacks { get; } = [];
}

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
}

/// <summary>Audio of a spoken comment. Patient data.</summary>
public sealed class VoiceRecording
{
    public long Id { get; set; }

    public required string ContentType { get; set; }

    public required byte[] Data { get; set; }

    public int SizeBytes { get; set; }

    /// <summary>Where it came from: api, twilio, whatsapp.</summary>
    public required string Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
