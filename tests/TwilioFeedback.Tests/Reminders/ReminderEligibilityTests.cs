using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Tests.Appointments;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>
/// An appointment's reminder is checked against its visit just before it goes, after the dispatcher claimed it: a visit
/// marked no_show meanwhile gets no feedback invite (issue 17's leftover), and the row says why.
/// </summary>
public sealed class ReminderEligibilityTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Early = "+237677000185", Late = "+237677000186";

    // The clock starts on Tuesday 24 November, 10:00 in Douala; the visits are on Friday 27th.
    private static readonly DateTimeOffset Friday = new(2026, 11, 27, 0, 0, 0, AppointmentSteps.Douala);

    private async Task<Guid> CreateAsync(string externalId, string phone, string startsAt)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/appointments", new
        {
            patient_id = "PAT" + externalId[4..], phone_number = phone, department = "Surgery", starts_at = startsAt, external_id = externalId, language = "en",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Guid.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    private List<(string To, string Body)> Sent() =>
        [.. Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == AppointmentSteps.MessagesPath && e.RequestMessage.Method == "POST")
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => QueryHelpers.ParseQuery(e.RequestMessage.Body))
            .Select(f => (f["To"].ToString(), f["Body"].ToString()))];

    /// <summary>
    /// Two visits on Friday whose feedback invites one dispatcher claims (and loads) together at 12:01; Twilio holds the early
    /// invite's answer while <paramref name="meanwhile"/> changes the late visit. Returns the visits.
    /// </summary>
    private async Task<(Guid Early, Guid Late)> InvitesClaimedThenAsync(Func<Guid, Task> meanwhile)
    {
        Factory.TwilioAccepts();
        var early = await CreateAsync("HIS-185", Early, "2026-11-27T09:30:00+01:00");
        var late = await CreateAsync("HIS-186", Late, "2026-11-27T10:00:00+01:00");
        Factory.Clock.Advance(Friday.AddHours(10).AddMinutes(1) - Factory.Clock.GetUtcNow());
        await Factory.DispatchAsync(); // both visits' reminders before the visit
        Factory.Clock.Advance(TimeSpan.FromHours(2)); // 12:01: both invites due (11:30 and 12:00), the early one first in the batch
        Factory.TwilioApi.Reset();
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var answer = new ManualResetEventSlim();
        Factory.TwilioApi.Given(Request.Create().WithPath(AppointmentSteps.MessagesPath).UsingPost().WithBody(b => b?.Contains("To=%2B237677000185") == true))
            .AtPriority(1).RespondWith(Response.Create().WithCallback(_ =>
            {
                // Twilio holds the early invite's answer until the late visit has changed.
                sending.TrySetResult();
                answer.Wait(TimeSpan.FromSeconds(30));
                return ReminderSteps.AcceptedMessage("SM000000000000000000000000a0b10185");
            }));
        Factory.TwilioApi.Given(Request.Create().WithPath(AppointmentSteps.MessagesPath).UsingPost()).AtPriority(2).RespondWith(Response.Create().WithCallback(_ => ReminderSteps.AcceptedMessage("SM000000000000000000000000a0b10185")));

        using var scope = Factory.Services.CreateScope();
        // One claimer, so that both invites are claimed (and loaded) together, before the change.
        var dispatch = scope.ServiceProvider.GetRequiredService<ReminderDispatcher>().DispatchBatchAsync(CancellationToken.None);
        await sending.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await meanwhile(late);
        answer.Set();
        Assert.Equal(2, await dispatch);
        return (early, late);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_feedback_invite_already_claimed_when_its_visit_is_marked_no_show_is_not_sent_and_its_row_says_why()
    {
        var (early, late) = await InvitesClaimedThenAsync(async late =>
        {
            var marked = await Client.PatchAsJsonAsync($"/api/v1/appointments/{late}", new { status = "no_show" });
            Assert.Equal(HttpStatusCode.OK, marked.StatusCode);
        });

        var invite = Factory.Services.GetRequiredService<PatientTexts>().Get("Template_FeedbackInvite", Language.English);
        Assert.Equal([(Early, invite)], Sent());
        var dropped = (await Factory.RemindersOfAsync(late)).Single(r => r.Kind == "feedback_invite");
        Assert.Equal((ReminderStatus.Skipped, "appointment_no_show", null), (dropped.Status, dropped.Reason, dropped.LeaseUntil));
        Assert.Empty((await Factory.ReminderAsync(dropped.Id)).DeliveryAttempts);
        Assert.Equal(ReminderStatus.Sent, (await Factory.RemindersOfAsync(early)).Single(r => r.Kind == "feedback_invite").Status);
        Assert.Contains(Factory.Logs.Lines, l => l.Contains($"[5015] Reminder {dropped.Id} not sent: appointment_no_show"));
    }

    /// <summary>
    /// The app never deletes an appointment (a cancellation is a status; erasure keeps the rows), and one deleted by hand takes its
    /// reminders with it (ON DELETE CASCADE). So a claimed invite whose visit is deleted before its send has no row left to save a
    /// reason on: it is simply not sent, and the rest of the batch goes on.
    /// </summary>
    [Fact(Timeout = 60_000)]
    public async Task A_claimed_invite_whose_visit_is_deleted_by_hand_is_not_sent_and_the_batch_goes_on()
    {
        long id = 0;
        var (early, late) = await InvitesClaimedThenAsync(async late =>
        {
            id = (await Factory.RemindersOfAsync(late)).Single(r => r.Kind == "feedback_invite").Id;
            await using var db = Factory.Db();
            Assert.Equal(1, await db.Database.ExecuteSqlAsync($"DELETE FROM appointments WHERE id = {late}"));
        });

        var invite = Factory.Services.GetRequiredService<PatientTexts>().Get("Template_FeedbackInvite", Language.English);
        Assert.Equal([(Early, invite)], Sent());
        Assert.Empty(await Factory.RemindersOfAsync(late));
        Assert.Equal(ReminderStatus.Sent, (await Factory.RemindersOfAsync(early)).Single(r => r.Kind == "feedback_invite").Status);
        Assert.Contains(Factory.Logs.Lines, l => l.Contains($"[5016] Reminder {id} not sent: its appointment is gone", StringComparison.Ordinal));
        // Not taken for a row another dispatcher took over (5009): nothing was left to save.
        Assert.DoesNotContain(Factory.Logs.Lines, l => l.Contains($"Reminder {id} handled", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("feedback_invite", "feedback_invite", "scheduled", null)]
    [InlineData("feedback_invite", "feedback_invite", "confirmed", null)]
    [InlineData("feedback_invite", "feedback_invite", "attended", null)]
    [InlineData("feedback_invite", "feedback_invite", "no_show", "appointment_no_show")]
    [InlineData("feedback_invite", "feedback_invite", "cancelled", "appointment_cancelled")]
    [InlineData("feedback_invite", "feedback_invite", "declined", "appointment_declined")]
    [InlineData("reminder", "appointment", "moved", null)]
    [InlineData("reminder", "appointment", "confirmed", null)]
    [InlineData("reminder", "appointment", "attended", "appointment_attended")]
    [InlineData("reminder", "appointment", "no_show", "appointment_no_show")]
    [InlineData("reminder", "appointment", "cancelled", "appointment_cancelled")]
    [InlineData("reminder", "appointment", "declined", "appointment_declined")]
    [InlineData("reminder", "appointment_moved", "cancelled", "appointment_cancelled")]
    [InlineData("reminder", "appointment_cancelled", "cancelled", null)]
    public void An_appointment_reminder_goes_only_while_its_visit_still_wants_it(string kind, string template, string status, string? reason) =>
        Assert.Equal(reason, ReminderEligibility.WhyNot(kind, template, status));
}
