using System.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Faults;

/// <summary>
/// Reminders when things go wrong on the way out: an instance killed while it held rows, a Twilio that
/// is slow, failing or rate-limiting. Each reminder must reach the (WireMock) Twilio once.
/// </summary>
public sealed class DispatchFaultTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private static readonly string MessagesPath = $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";
    private static readonly TimeSpan Lease = new ReminderOptions().Lease;

    private IRequestBuilder Messages => Request.Create().WithPath(MessagesPath).UsingPost();

    private static IResponseBuilder Accepted() =>
        Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("{\"sid\":\"SM{{request.bodyAsFormUrlEncoded.To}}\",\"status\":\"queued\"}");

    private static WireMock.ResponseMessage AcceptedMessage() => ReminderSteps.AcceptedMessage("SMrenewed");

    /// <summary>The numbers each accepted or refused send went to, in order.</summary>
    private List<string> SentTo() =>
        [.. Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath).OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => QueryHelpers.ParseQuery(e.RequestMessage.Body)["To"].ToString())];

    private async Task<List<long>> DueRemindersAsync(int count)
    {
        await using var db = Factory.Db();
        var now = Factory.Clock.GetUtcNow();
        var patient = new Patient { ExternalId = "PATFAULT", CreatedAt = now, UpdatedAt = now };
        db.Patients.Add(patient);
        var reminders = Enumerable.Range(0, count).Select(i => new Reminder
        {
            Patient = patient, Message = $"Reminder {i}", Language = "en", ScheduledTime = now.AddMinutes(-10 + i),
            PhoneNumber = $"+2376770010{i:D2}", Channels = ["sms"], Status = ReminderStatus.Scheduled, Urgent = true,
            CreatedAt = now, UpdatedAt = now,
        }).ToList();
        db.Reminders.AddRange(reminders);
        await db.SaveChangesAsync();
        return [.. reminders.Select(r => r.Id)];
    }

    private async Task<List<Reminder>> RemindersAsync()
    {
        await using var db = Factory.Db();
        return await db.Reminders.AsNoTracking().Include(r => r.DeliveryAttempts).OrderBy(r => r.Id).ToListAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Reminders_held_by_an_instance_killed_mid_dispatch_are_each_sent_once_when_its_lease_runs_out()
    {
        Factory.TwilioApi.Given(Messages).RespondWith(Accepted());
        var ids = await DueRemindersAsync(5);
        // A dead instance's claim, exactly as the dispatcher writes it; it never sent and never released.
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var claim = new NpgsqlCommand("UPDATE reminders SET status = 'sending', lease_until = @lease, attempts = attempts + 1", connection);
            claim.Parameters.AddWithValue("lease", Factory.Clock.GetUtcNow() + Lease);
            Assert.Equal(5, await claim.ExecuteNonQueryAsync());
        }

        await Factory.DispatchAsync();
        Factory.Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        await Factory.DispatchAsync();
        Assert.Empty(SentTo()); // still leased: the instance might only be slow

        Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        await Factory.DispatchAsync();
        await Factory.DispatchAsync();

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"+2376770010{i:D2}"), SentTo().Order());
        var reminders = await RemindersAsync();
        Assert.All(reminders, r => Assert.Equal((ReminderStatus.Sent, 2, null), (r.Status, r.Attempts, r.LeaseUntil)));
        Assert.Equal(ids, reminders.Select(r => r.Id));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dispatcher_that_outlasts_its_lease_does_not_send_the_rows_another_took_over()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost().WithBody(b => b?.Contains("To=%2B237677001000") == true))
            .AtPriority(1).RespondWith(Accepted().WithDelay(TimeSpan.FromSeconds(2)));
        Factory.TwilioApi.Given(Messages).AtPriority(2).RespondWith(Accepted());
        await DueRemindersAsync(2);

        var slow = Task.Run(Factory.DispatchAsync); // claims both, then waits on Twilio for the first
        await Eventually.ReturnsAsync(RemindersAsync, rs => rs.All(r => r.Status == ReminderStatus.Sending));
        Factory.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        await Factory.DispatchAsync(); // another instance takes over both expired leases
        await slow;

        var sent = SentTo();
        Assert.Single(sent, "+237677001001"); // the row the slow dispatcher had not started: once
        // The row it was sending when its lease ran out may go twice: the documented duplicate window.
        Assert.InRange(sent.Count(to => to == "+237677001000"), 1, 2);
        Assert.All(await RemindersAsync(), r => Assert.Equal(ReminderStatus.Sent, r.Status));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_batch_whose_lease_runs_short_renews_it_before_the_next_send_and_sends_each_once()
    {
        // While Twilio answers the first send, time passes: what is left of the lease no longer covers a send.
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost().WithBody(b => b?.Contains("To=%2B237677001000") == true))
            .AtPriority(1).RespondWith(Response.Create().WithCallback(_ =>
            {
                Factory.Clock.Advance(Lease - TimeSpan.FromSeconds(20));
                return AcceptedMessage();
            }));
        DateTimeOffset? leaseWhileSending = null;
        Factory.TwilioApi.Given(Messages).AtPriority(2).RespondWith(Response.Create().WithCallback(_ =>
        {
            using var connection = new NpgsqlConnection(Factory.ConnectionString);
            connection.Open();
            using var lease = new NpgsqlCommand("SELECT lease_until FROM reminders WHERE phone_number IS NOT NULL ORDER BY scheduled_time DESC LIMIT 1", connection);
            leaseWhileSending = new DateTimeOffset((DateTime)lease.ExecuteScalar()!, TimeSpan.Zero);
            return AcceptedMessage();
        }));
        var claimedAt = Factory.Clock.GetUtcNow();
        await DueRemindersAsync(2);

        using (var scope = Factory.Services.CreateScope())
        {
            // One claimer, so that both rows are in its batch.
            Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<ReminderDispatcher>().DispatchBatchAsync(CancellationToken.None));
        }

        Assert.Equal(["+237677001000", "+237677001001"], SentTo());
        // Renewed for a full lease from the moment it ran short, not left to run out 20 s later.
        Assert.Equal(claimedAt + Lease - TimeSpan.FromSeconds(20) + Lease, leaseWhileSending);
        Assert.All(await RemindersAsync(), r => Assert.Equal((ReminderStatus.Sent, null), (r.Status, r.LeaseUntil)));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_SMS_webhook_answers_at_once_while_the_dispatcher_waits_on_a_slow_Twilio()
    {
        var delay = TimeSpan.FromSeconds(4);
        Factory.TwilioApi.Given(Messages).RespondWith(Accepted().WithDelay(delay));
        var client = Factory.BoundedClient();
        await client.SmsAsync("+237690000401", "hello"); // warm: the timed request below is not the first
        await DueRemindersAsync(1);

        var dispatch = Task.Run(Factory.DispatchAsync);
        await Eventually.ReturnsAsync(RemindersAsync, rs => rs.Single().Status == ReminderStatus.Sending);
        var timer = Stopwatch.StartNew();
        var answer = await client.SmsAsync("+237690000402", "hello");
        timer.Stop();
        Assert.False(dispatch.IsCompleted);
        await dispatch;

        Assert.NotNull(answer);
        Assert.True(timer.Elapsed < delay / 2, $"The webhook took {timer.Elapsed} while Twilio took {delay}.");
        Assert.Single(SentTo());
        Assert.Equal(ReminderStatus.Sent, (await RemindersAsync()).Single().Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_500_from_Twilio_is_posted_once_per_dispatch_attempt_and_the_reminder_is_sent_once_later()
    {
        Factory.TwilioApi.Given(Messages).RespondWith(Response.Create().WithStatusCode(500).WithBody("Internal Server Error"));
        var id = (await DueRemindersAsync(1)).Single();

        await Factory.DispatchAsync();

        var failed = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Scheduled, 1), (failed.Status, failed.Attempts));
        Assert.Contains("500", failed.LastError);
        Assert.True(failed.ScheduledTime > Factory.Clock.GetUtcNow());
        // Twilio may have accepted it before answering 500: no retry at once, only the dispatcher's later one.
        Assert.Single(SentTo());

        Factory.TwilioApi.Reset();
        Factory.TwilioApi.Given(Messages).RespondWith(Accepted());
        await Factory.DispatchAsync();
        Assert.Empty(SentTo()); // not before its backoff
        Factory.Clock.SetUtcNow(failed.ScheduledTime);
        await Factory.DispatchAsync();
        await Factory.DispatchAsync();

        Assert.Single(SentTo());
        var sent = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Sent, 2), (sent.Status, sent.Attempts));
        Assert.Equal(["failed", "sent"], sent.DeliveryAttempts.OrderBy(a => a.Id).Select(a => a.Outcome));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_201_whose_body_cannot_be_read_still_counts_as_sent_once()
    {
        Factory.TwilioApi.Given(Messages).RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("<html>"));
        var id = (await DueRemindersAsync(1)).Single();

        await Factory.DispatchAsync();
        Factory.Clock.Advance(Lease + TimeSpan.FromMinutes(1));
        await Factory.DispatchAsync();

        Assert.Single(SentTo());
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(id)).Status);
    }

    /// <summary>Answers where Twilio may have acted on the POST: each is one POST per dispatch, a transient failure, a later retry.</summary>
    [Theory(Timeout = 60_000)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task An_ambiguous_failure_is_posted_once_and_the_reminder_rescheduled(int status)
    {
        Factory.TwilioApi.Given(Messages).RespondWith(Response.Create().WithStatusCode(status));
        var id = (await DueRemindersAsync(1)).Single();

        await Factory.DispatchAsync();

        Assert.Single(SentTo());
        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal(ReminderStatus.Scheduled, reminder.Status);
        Assert.EndsWith($"HTTP {status}", reminder.LastError);
        Assert.Equal(("failed", "sms"), (Assert.Single(reminder.DeliveryAttempts).Outcome, reminder.DeliveryAttempts[0].Channel));
    }

    /// <summary>Answers where Twilio surely did not send: retried in-process, and the reminder goes once.</summary>
    [Theory(Timeout = 60_000)]
    [InlineData(429)]
    [InlineData(503)]
    public async Task A_refusal_is_retried_at_once_and_the_reminder_sent_once(int status)
    {
        Factory.TwilioApi.Given(Messages).InScenario("refused").WillSetStateTo("refused once")
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody("{\"code\":20429,\"message\":\"Try later\"}"));
        Factory.TwilioApi.Given(Messages).InScenario("refused").WhenStateIs("refused once").RespondWith(Accepted());
        var id = (await DueRemindersAsync(1)).Single();

        await Factory.DispatchAsync();

        Assert.Equal(2, SentTo().Count);
        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Sent, 1), (reminder.Status, reminder.Attempts));
        Assert.Equal("sent", Assert.Single(reminder.DeliveryAttempts).Outcome);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_429_with_Retry_After_is_waited_out_and_the_reminder_sent_once()
    {
        Factory.TwilioApi.Given(Messages).InScenario("rate").WillSetStateTo("limited")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithHeader("Content-Type", "application/json")
                .WithBody("{\"code\":20429,\"message\":\"Too Many Requests\"}"));
        Factory.TwilioApi.Given(Messages).InScenario("rate").WhenStateIs("limited").RespondWith(Accepted());
        var id = (await DueRemindersAsync(1)).Single();

        await Factory.DispatchAsync();

        var requests = Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath).Select(e => e.RequestMessage.DateTime).Order().ToList();
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1] - requests[0] >= TimeSpan.FromMilliseconds(900), $"Retried after {requests[1] - requests[0]}, not after Retry-After.");
        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((ReminderStatus.Sent, 1), (reminder.Status, reminder.Attempts));
    }
}
