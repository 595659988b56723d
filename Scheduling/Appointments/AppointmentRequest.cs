namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>
/// An appointment as the API, an import or a FHIR resource gives it. <paramref name="Channel"/> is sms, whatsapp,
/// voice or email (null: sms with a phone, else email); <paramref name="Plan"/> null is the default plan;
/// <paramref name="Language"/> is the new patient's language (en, fr, dua, bas, ewo), ignored for a patient already known.
/// </summary>
public sealed record AppointmentRequest(
    string? PatientId, string? Phone, string? Email, string? Channel, string? Department, DateTimeOffset StartsAt,
    string? ExternalId, string? Plan, string? Language = null);
