namespace TwilioFeedback.Persistence;

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

    /// <summary><see cref="ReminderKinds.Reminder"/>, or <see cref="ReminderKinds.FeedbackInvite"/> (the patient's answer opens the survey).</summary>
    public string Kind { get; set; } = ReminderKinds.Reminder;

    /// <summary>The Resources template the message was written from, if any.</summary>
    public string? Template { get; set; }

    /// <summary>The template's values as JSON, so the text is written again in the patient's language when it is sent. Patient data.</summary>
    public string? TemplateValues { get; set; }

    /// <summary>The appointment whose plan made it (its texts are written from the appointment when sent).</summary>
    public Guid? AppointmentId { get; set; }

    public Appointment? Appointment { get; set; }

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
}

/// <summary>What a reminder row is for (<see cref="Reminder.Kind"/>).</summary>
public static class ReminderKinds
{
    public const string Reminder = "reminder";

    /// <summary>Asks for the visit's rating: the patient's answer (a reply, or a key on the call) opens the survey with it.</summary>
    public const string FeedbackInvite = "feedback_invite";
}
