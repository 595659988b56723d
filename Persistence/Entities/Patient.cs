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

    /// <summary>How the patient prefers to be reached, in order (sms, whatsapp, voice, email): reminders' default.</summary>
    public List<string> Channels { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<Feedback> Feedbacks { get; } = [];
}
