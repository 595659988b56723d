using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>The contract FHIR and the import build on: plans in Douala time, late creation, moves, cancellations, at the Twilio stub.</summary>
public sealed class AppointmentServiceTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237677000170";

    // The clock starts Tuesday 24 November 2026, 10:00 in Douala.
    private static readonly DateTimeOffset FridayTen = new(2026, 11, 27, 10, 0, 0, AppointmentSteps.Douala);

    private static AppointmentRequest Visit(DateTimeOffset startsAt, string externalId = "HIS-1", string? plan = null, string department = "maternity") =>
        new("PAT170", "677 00 01 70", null, null, department, startsAt, externalId, plan, "en");

    [Fact]
    public async Task The_default_plan_reminds_three_days_before_and_the_day_before_at_18_00_and_two_hours_before_in_Douala_time()
    {
        Factory.TwilioAccepts();
        var result = await Factory.UpsertAsync(Visit(FridayTen));

        Assert.Equal(AppointmentUpsertOutcome.Created, result.Outcome);
        Assert.Equal((Phone, "maternity", "default"), (result.Appointment!.PhoneNumber, result.Appointment.Department, result.Appointment.Plan));
        var reminders = await Factory.RemindersOfAsync(result.Appointment.Id);
        Assert.Equal(
            [
                ("reminder", new DateTimeOffset(2026, 11, 24, 18, 0, 0, AppointmentSteps.Douala), ReminderStatus.Scheduled),
                ("reminder", new DateTimeOffset(2026, 11, 26, 18, 0, 0, AppointmentSteps.Douala), ReminderStatus.Scheduled),
                ("reminder", new DateTimeOffset(2026, 11, 27, 8, 0, 0, AppointmentSteps.Douala), ReminderStatus.Scheduled),
                ("feedback_invite", new DateTimeOffset(2026, 11, 27, 12, 0, 0, AppointmentSteps.Douala), ReminderStatus.Scheduled),
            ],
            reminders.Select(r => (r.Kind, r.ScheduledTime, r.Status)));

        Factory.Clock.Advance(TimeSpan.FromHours(8)); // Tuesday 18:00 in Douala
        await Factory.DispatchAsync();
        var sms = Assert.Single(Factory.Sms());
        Assert.Equal("Douala General Hospital: your appointment (Maternity) is on 27 November at 10:00. Reply 1 to confirm, 2 to decline.", sms);
        Assert.Equal(1, SmsSegments.Count(sms).Segments);
    }

    [Fact]
    public async Task A_named_plan_from_configuration_is_used_and_an_unknown_one_is_refused()
    {
        var maternity = await Factory.UpsertAsync(Visit(new DateTimeOffset(2026, 12, 4, 10, 0, 0, AppointmentSteps.Douala), plan: "maternity"));
        Assert.Equal(
            [new DateTimeOffset(2026, 11, 27, 18, 0, 0, AppointmentSteps.Douala), new DateTimeOffset(2026, 12, 3, 18, 0, 0, AppointmentSteps.Douala),
             new DateTimeOffset(2026, 12, 4, 7, 0, 0, AppointmentSteps.Douala)],
            (await Factory.RemindersOfAsync(maternity.Appointment!.Id)).Where(r => r.Kind == "reminder").Select(r => r.ScheduledTime));

        var unknown = await Factory.UpsertAsync(Visit(FridayTen, "HIS-2", plan: "oncology"));
        Assert.Equal((AppointmentUpsertOutcome.Refused, "plan"), (unknown.Outcome, unknown.Field));
        var department = await Factory.UpsertAsync(Visit(FridayTen, "HIS-3", department: "Astrology"));
        Assert.Equal((AppointmentUpsertOutcome.Refused, "department"), (department.Outcome, department.Field));
    }

    [Fact]
    public async Task An_appointment_made_late_skips_the_reminders_already_past_and_keeps_the_rest()
    {
        // Made on Tuesday 10:00 for Thursday 10:00: "three days before" was Monday 18:00.
        var result = await Factory.UpsertAsync(Visit(new DateTimeOffset(2026, 11, 26, 10, 0, 0, AppointmentSteps.Douala)));

        var reminders = (await Factory.RemindersOfAsync(result.Appointment!.Id)).Where(r => r.Kind == "reminder").ToList();
        Assert.Equal(
            [(ReminderStatus.Skipped, AppointmentPlans.TooLate), (ReminderStatus.Scheduled, null), (ReminderStatus.Scheduled, null)],
            reminders.Select(r => (r.Status, r.Reason)));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 18, 0, 0, AppointmentSteps.Douala), reminders[0].ScheduledTime);
    }

    [Fact]
    public async Task Moving_an_appointment_moves_its_unsent_reminders_and_tells_the_patient_once()
    {
        Factory.TwilioAccepts();
        var created = await Factory.UpsertAsync(Visit(FridayTen));
        var monday = new DateTimeOffset(2026, 11, 30, 11, 0, 0, AppointmentSteps.Douala);

        var moved = await Factory.UpsertAsync(Visit(monday));
        var again = await Factory.UpsertAsync(Visit(monday)); // the same list imported twice

        Assert.Equal((AppointmentUpsertOutcome.Updated, AppointmentStatus.Moved), (moved.Outcome, moved.Appointment!.Status));
        Assert.Equal(AppointmentUpsertOutcome.Unchanged, again.Outcome);
        var reminders = await Factory.RemindersOfAsync(created.Appointment!.Id);
        Assert.Equal(
            [
                new DateTimeOffset(2026, 11, 27, 18, 0, 0, AppointmentSteps.Douala), new DateTimeOffset(2026, 11, 29, 18, 0, 0, AppointmentSteps.Douala),
                new DateTimeOffset(2026, 11, 30, 9, 0, 0, AppointmentSteps.Douala),
            ],
            reminders.Where(r => r.Template == AppointmentTexts.Reminder).Select(r => r.ScheduledTime));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 13, 0, 0, AppointmentSteps.Douala), reminders.Single(r => r.Kind == "feedback_invite").ScheduledTime);

        await Factory.DispatchAsync();
        await Factory.DispatchAsync();
        var sms = Assert.Single(Factory.Sms());
        Assert.Equal("Douala General Hospital: your appointment (Maternity) has moved to 30 November at 11:00.", sms);
        Assert.Equal(1, SmsSegments.Count(sms).Segments);
    }

    [Fact]
    public async Task Cancelling_clears_the_unsent_reminders_and_sends_one_notice()
    {
        Factory.TwilioAccepts();
        var created = await Factory.UpsertAsync(Visit(FridayTen));

        var cancelled = await Factory.CancelAppointmentAsync("HIS-1");
        var again = await Factory.CancelAppointmentAsync("HIS-1");
        var unknown = await Factory.CancelAppointmentAsync("HIS-404");

        Assert.Equal((AppointmentUpsertOutcome.Updated, AppointmentStatus.Cancelled), (cancelled.Outcome, cancelled.Appointment!.Status));
        Assert.Equal(AppointmentUpsertOutcome.Unchanged, again.Outcome);
        Assert.Equal((AppointmentUpsertOutcome.Refused, AppointmentRefusal.NotFound), (unknown.Outcome, unknown.Refusal));
        var changed = await Factory.UpsertAsync(Visit(FridayTen.AddDays(1)));
        Assert.Equal((AppointmentUpsertOutcome.Refused, AppointmentRefusal.Conflict), (changed.Outcome, changed.Refusal));
        Factory.Clock.Advance(TimeSpan.FromDays(4)); // past every reminder the plan had
        await Factory.DispatchAsync();
        var sms = Assert.Single(Factory.Sms());
        Assert.Equal("Douala General Hospital: your appointment (Maternity) on 27 November at 10:00 is cancelled. Please call us to book another.", sms);
        Assert.Equal(1, SmsSegments.Count(sms).Segments);
        Assert.All((await Factory.RemindersOfAsync(created.Appointment!.Id)).Where(r => r.Template != AppointmentTexts.Cancelled),
            r => Assert.Equal(ReminderStatus.Cancelled, r.Status));

    }
}
