using System.Net;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>A Twilio stub for SMS and the hospital's own SMTP server for email, as a hospital without SendGrid runs.</summary>
public sealed class TwilioAndSmtpFactory : TwilioApiFactory
{
    public SmtpListener Smtp { get; } = new();

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings.Remove("Email:SendGridApiKey");
            settings["Email:SmtpHost"] = "127.0.0.1";
            settings["Email:SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Email:SmtpSecurity"] = "None";
            return settings;
        }
    }

    public override async Task ResetAsync()
    {
        await base.ResetAsync();
        Smtp.Messages.Clear();
    }

    public override async ValueTask DisposeAsync()
    {
        Smtp.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>One reminder's failure is its own: the rows beside it in the batch go out, and nothing is left sending.</summary>
public sealed class ReminderIsolationTests(TwilioAndSmtpFactory factory) : IntegrationTest<TwilioAndSmtpFactory>(factory)
{
    private string MessagesPath => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    private void TwilioAccepts() =>
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("{\"sid\":\"SM0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}"));

    private List<string> SentTo() =>
        [.. Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath)
            .Select(e => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(e.RequestMessage.Body)["To"].ToString()).Order()];

    /// <summary>Rows written straight to the database (as an older server or an import could have), due in the order given.</summary>
    private async Task<long[]> InsertAsync(params Action<Reminder>[] rows)
    {
        var now = Factory.Clock.GetUtcNow();
        await using var db = Factory.Db();
        var patient = new Patient { ExternalId = "PATBATCH", CreatedAt = now, UpdatedAt = now };
        var reminders = rows.Select((adjust, i) =>
        {
            var reminder = new Reminder
            {
                Patient = patient, Message = $"Reminder {i}", Language = "en", ScheduledTime = now.AddMinutes(-10 + i),
                PhoneNumber = $"+23767700010{i}", Channels = ["sms"], Status = ReminderStatus.Scheduled, Urgent = true, CreatedAt = now, UpdatedAt = now,
            };
            adjust(reminder);
            return reminder;
        }).ToList();
        db.Reminders.AddRange(reminders);
        await db.SaveChangesAsync();
        return [.. reminders.Select(r => r.Id)];
    }

    private async Task<int> LeftSendingAsync()
    {
        await using var db = Factory.Db();
        return await db.Reminders.CountAsync(r => r.Status == ReminderStatus.Sending);
    }

    private IEnumerable<string> LogsAbout(long id, string eventId) => Factory.Logs.Lines.Where(l => l.Contains($"[{eventId}] Reminder {id} "));

    [Fact]
    public async Task An_email_the_sender_cannot_parse_fails_alone_and_the_SMS_in_its_batch_go_out()
    {
        TwilioAccepts();
        var ids = await InsertAsync(
            r => (r.Channels, r.PhoneNumber, r.Email) = (["email"], null, "Victim <a@b.c>, evil@x.y"),
            _ => { },
            _ => { });

        await Factory.DispatchAsync();

        Assert.Equal(["+237677000101", "+237677000102"], SentTo());
        Assert.Empty(Factory.Smtp.Messages);
        var email = await Factory.ReminderAsync(ids[0]);
        Assert.Equal((ReminderStatus.Failed, "permanent_error"), (email.Status, email.Reason));
        Assert.Contains("Not an email address the sender can use", email.LastError);
        Assert.Single(LogsAbout(ids[0], "5005")); // "Reminder … failed: …"
        Assert.Equal([ReminderStatus.Sent, ReminderStatus.Sent], [(await Factory.ReminderAsync(ids[1])).Status, (await Factory.ReminderAsync(ids[2])).Status]);
        Assert.Equal(0, await LeftSendingAsync());
    }

    [Fact]
    public async Task A_row_that_will_not_decrypt_is_failed_and_logged_with_its_exception_and_the_batch_goes_on()
    {
        TwilioAccepts();
        var ids = await InsertAsync(_ => { }, _ => { }, _ => { });
        await using (var db = Factory.Db())
        {
            // Encrypted under a key this server does not hold (lost, or another deployment's).
            await db.Database.ExecuteSqlAsync($"UPDATE reminders SET message = 'enc1:lost-key:' || split_part(message, ':', 3) WHERE id = {ids[1]}");
        }

        await Factory.DispatchAsync();

        Assert.Equal(["+237677000100", "+237677000102"], SentTo());
        await using var check = Factory.Db();
        var unreadable = await check.Reminders.AsNoTracking().Where(r => r.Id == ids[1]).Select(r => new { r.Status, r.Reason, r.LastError }).SingleAsync();
        Assert.Equal((ReminderStatus.Failed, "unreadable"), (unreadable.Status, unreadable.Reason));
        var logged = Assert.Single(LogsAbout(ids[1], "5014"));
        Assert.StartsWith("Error ", logged);
        Assert.Contains("CryptographicException", logged); // the exception itself, with its stack
        Assert.Equal(0, await LeftSendingAsync());
    }

    [Fact]
    public async Task A_row_whose_lease_ran_out_on_its_last_attempt_fails_for_good_and_one_with_attempts_left_is_sent()
    {
        TwilioAccepts();
        var now = Factory.Clock.GetUtcNow();
        var ids = await InsertAsync(
            r => (r.Status, r.LeaseUntil, r.Attempts) = (ReminderStatus.Sending, now.AddMinutes(-1), 5), // Reminders:MaxAttempts
            r => (r.Status, r.LeaseUntil, r.Attempts) = (ReminderStatus.Sending, now.AddMinutes(-1), 2));

        await Factory.DispatchAsync();

        var abandoned = await Factory.ReminderAsync(ids[0]);
        Assert.Equal((ReminderStatus.Failed, "abandoned", 5), (abandoned.Status, abandoned.Reason, abandoned.Attempts));
        Assert.Contains("Reminders:MaxAttempts", abandoned.LastError);
        Assert.Contains(Factory.Logs.Lines, l => l.Contains("[5012]"));
        var retaken = await Factory.ReminderAsync(ids[1]);
        Assert.Equal((ReminderStatus.Sent, 3), (retaken.Status, retaken.Attempts));
        Assert.Equal(["+237677000101"], SentTo());
    }

    [Fact]
    public async Task Staff_can_cancel_a_row_stuck_sending_after_its_lease_but_not_one_whose_claim_still_holds()
    {
        TwilioAccepts();
        var now = Factory.Clock.GetUtcNow();
        var ids = await InsertAsync(
            r => (r.Status, r.LeaseUntil, r.Attempts) = (ReminderStatus.Sending, now.AddMinutes(-1), 1),
            r => (r.Status, r.LeaseUntil, r.Attempts) = (ReminderStatus.Sending, now.AddMinutes(1), 1));

        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync($"/api/v1/reminders/{ids[0]}/cancel", null)).StatusCode);
        var live = await Client.PostAsync($"/api/v1/reminders/{ids[1]}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, live.StatusCode);
        Assert.Contains("stuck sending after its lease", await live.Content.ReadAsStringAsync());

        var cancelled = await Factory.ReminderAsync(ids[0]);
        Assert.Equal((ReminderStatus.Cancelled, null), (cancelled.Status, cancelled.LeaseUntil));
        Assert.Equal(ReminderStatus.Sending, (await Factory.ReminderAsync(ids[1])).Status);
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await Factory.DispatchAsync(); // the other row's lease has passed now: taken over and sent; the cancelled one stays
        Assert.Equal(ReminderStatus.Cancelled, (await Factory.ReminderAsync(ids[0])).Status);
        Assert.Equal(["+237677000101"], SentTo());
    }
}
