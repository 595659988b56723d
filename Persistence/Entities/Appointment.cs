namespace TwilioFeedback.Persistence;

/// <summary>A patient's visit to a department at a set time, with the reminders of its plan and a feedback invite after it.</summary>
public sealed class Appointment
{
    public Guid Id { get; set; }

    public long PatientId { get; set; }

    public Patient Patient { get; set; } = null!;

    /// <summary>The id the hospital's own system gives it (a re-import or a FHIR update finds it by this); unique.</summary>
    public string? ExternalId { get; set; }

    /// <summary>E.164. Patient data.</summary>
    public string? PhoneNumber { get; set; }

    /// <summary>Patient data.</summary>
    public string? Email { get; set; }

    /// <summary>sms, whatsapp, voice or email: how its reminders go out.</summary>
    public required string Channel { get; set; }

    /// <summary>A department of <c>Hospital:Departments</c>, by its name (<c>internal_medicine</c>).</summary>
    public required string Department { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    /// <summary>The plan (<c>Appointments:Plans:{name}</c>) its reminders were made from.</summary>
    public required string Plan { get; set; }

    /// <summary><see cref="AppointmentStatus"/>.</summary>
    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
