namespace TwilioFeedback.Webhooks.Api;

/// <summary>An appointment to make, or to update when <c>external_id</c> is known already.</summary>
public sealed record AppointmentCreate(
    string? PatientId, string? PhoneNumber, string? Email, string? Channel, string? Department, string? StartsAt,
    string? ExternalId, string? Plan, string? Language);

/// <summary>Changes staff may make: a new time, another department, or a status alone: <c>cancelled</c>, or after the start <c>attended</c> or <c>no_show</c>.</summary>
public sealed record AppointmentPatch(string? StartsAt, string? Department, string? Status);

/// <summary>One of the appointment's reminders, its invite or a notice.</summary>
public sealed record AppointmentReminderResponse(long Id, string Kind, string? Template, DateTimeOffset ScheduledTime, string Status, string? Reason);

public sealed record AppointmentResponse(
    Guid Id, string PatientId, string? ExternalId, string Department, DateTimeOffset StartsAt, string Plan, string Status, string Channel,
    string? PhoneNumber, string? Email, DateTimeOffset UpdatedAt, string? Outcome = null, IReadOnlyList<AppointmentReminderResponse>? Reminders = null);

public sealed record AppointmentPage(IReadOnlyList<AppointmentResponse> Items, string? NextCursor);
