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

    /// <summary>waiting_time, staff_attitude, cleanliness, cost, medication, communication…</summary>
    public List<string> Topics { get; set; } = [];

    /// <summary>When staff were alerted about it (once).</summary>
    public DateTimeOffset? EscalatedAt { get; set; }
}

/// <summary>Where a voice recording is on its way from the provider to our database.</summary>
public static class RecordingStatus
{
    /// <summary>Known from the call, not yet ready at the provider.</summary>
    public const string Awaiting = "awaiting";

    /// <summary>Ready at the provider: to be fetched.</summary>
    public const string Pending = "pending";

    /// <summary>Claimed by a fetcher.</summary>
    public const string Fetching = "fetching";

    public const string Stored = "stored";

    public const string Failed = "failed";
}

/// <summary>Audio of a spoken comment, encrypted at rest (AES-256-GCM). Patient data.</summary>
public sealed class VoiceRecording
{
    public long Id { get; set; }

    /// <summary>Twilio's RecordingSid (or the MessageSid of a WhatsApp voice note): stored once.</summary>
    public string? ProviderSid { get; set; }

    /// <summary>Where the provider keeps it until we have fetched it.</summary>
    public string? SourceUrl { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public required string ContentType { get; set; }

    /// <summary>nonce | tag | ciphertext, under the key named by <see cref="KeyId"/>.</summary>
    public byte[]? Data { get; set; }

    public string? KeyId { get; set; }

    public int SizeBytes { get; set; }

    /// <summary>Where it came from: api, call, whatsapp.</summary>
    public required string Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StoredAt { get; set; }
}

/// <summary>A recorded voice prompt (key × language), played on calls instead of text-to-speech.</summary>
public sealed class PromptRecording
{
    public long Id { get; set; }

    public required string Language { get; set; }

    public required string Key { get; set; }

    public required string ContentType { get; set; }

    public required byte[] Data { get; set; }

    public int SizeBytes { get; set; }

    /// <summary>A hash of the audio, served as the ETag.</summary>
    public required string Etag { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A status callback from the provider (a call, a message, a recording), kept as received.</summary>
public sealed class ProviderEvent
{
    public long Id { get; set; }

    /// <summary>call, message or recording.</summary>
    public required string Kind { get; set; }

    public required string Sid { get; set; }

    public required string Status { get; set; }

    public string? ErrorCode { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>Where a reminder is; it only ever moves forward (see <see cref="Reminder.Rank"/>).</summary>
public static class ReminderStatus
{
    public const string Scheduled = "scheduled";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Skipped = "skipped";
    public const string Confirmed = "confirmed";
    public const string Declined = "declined";
}

/// <summary>A message to a patient at a set time, sent once, on the first channel that works.</summary>
public sealed class Reminder
{
    public long Id { get; set; }

    public long PatientId { get; set; }

    public Patient Patient { get; set; } = null!;

    /// <summary>The text sent. Patient data.</summary>
    public required string Message { get; set; }

    public required string Language { get; set; }

    public DateTimeOffset ScheduledTime { get; set; }

    /// <summary>E.164. Patient data.</summary>
    public string? PhoneNumber { get; set; }

    public string? Email { get; set; }

    /// <summary>In order of preference: sms, whatsapp, voice, email.</summary>
    public List<string> Channels { get; set; } = [];

    public required string Status { get; set; }

    /// <summary>Why it was skipped or failed (opted_out, invalid_number, …).</summary>
    public string? Reason { get; set; }

    public bool Urgent { get; set; }

    /// <summary>reminder, or feedback_invite (the patient's answer opens the survey).</summary>
    public string Kind { get; set; } = "reminder";

    /// <summary>The Resources template the message was written from, if any.</summary>
    public string? Template { get; set; }

    /// <summary>Ask the patient to reply 1 (confirm) or 2 (decline).</summary>
    public bool Confirm { get; set; }

    public DateTimeOffset? RespondedAt { get; set; }

    /// <summary>The patient's message that answered it: the same message replayed answers nothing else.</summary>
    public string? RespondedMessageId { get; set; }

    /// <summary>The first reminder of a recurring series (daily or weekly medication).</summary>
    public long? SeriesId { get; set; }

    public int Attempts { get; set; }

    /// <summary>A claim by one dispatcher; another may take the row over only after it has passed.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public string? ProviderId { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public List<DeliveryAttempt> DeliveryAttempts { get; } = [];

    /// <summary>How far along a status is: a callback may only move a reminder to a higher rank.</summary>
    public static int Rank(string status) => status switch
    {
        ReminderStatus.Scheduled => 0,
        ReminderStatus.Sending => 1,
        ReminderStatus.Sent => 2,
        ReminderStatus.Delivered or ReminderStatus.Failed => 3,
        ReminderStatus.Cancelled or ReminderStatus.Skipped => 4,
        ReminderStatus.Confirmed or ReminderStatus.Declined => 5,
        _ => -1,
    };
}

/// <summary>One try at sending a reminder on one channel.</summary>
public sealed class DeliveryAttempt
{
    public long Id { get; set; }

    public long ReminderId { get; set; }

    public required string Channel { get; set; }

    /// <summary>sent, failed, dry_run.</summary>
    public required string Outcome { get; set; }

    public string? ProviderId { get; set; }

    public string? Error { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }
}

/// <summary>Who read, exported, changed or erased patient data, and when.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The person (token name) who acted.</summary>
    public required string Actor { get; set; }

    /// <summary>read, export, change, erase.</summary>
    public required string Action { get; set; }

    /// <summary>What was touched, e.g. patient PAT123, feedback 42.</summary>
    public required string Target { get; set; }
}
