using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Observability;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>A host of its own, so that no other test class moves its counters.</summary>
public sealed class ReminderTransitionsFactory : AppFactory
{
    // The rows are moved by hand: a scheduled dispatcher would send a due row mid-test.
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Reminders:DispatchOnSchedule"] = "false" };
}

/// <summary>
/// Every move a reminder's status may make, and every one it may not, against the real database: the
/// row's status afterwards and what <c>tf_reminder_transitions_total</c> counted.
/// </summary>
public sealed class ReminderTransitionsTests(ReminderTransitionsFactory factory) : IntegrationTest<ReminderTransitionsFactory>(factory)
{
    private const string Scheduled = ReminderStatus.Scheduled, Sending = ReminderStatus.Sending, Sent = ReminderStatus.Sent,
        Delivered = ReminderStatus.Delivered, Failed = ReminderStatus.Failed, Cancelled = ReminderStatus.Cancelled,
        Skipped = ReminderStatus.Skipped, Confirmed = ReminderStatus.Confirmed, Declined = ReminderStatus.Declined;

    private const string ProviderId = "SMtransition000000000000000000001";

    private const int MaxAttempts = 5; // Reminders:MaxAttempts' default

    private static readonly string[] Statuses = [Scheduled, Sending, Sent, Delivered, Failed, Cancelled, Skipped, Confirmed, Declined];

    /// <summary>The moves allowed, written out here rather than read from the code under test.</summary>
    private static readonly (ReminderMove Move, string From, string To)[] Allowed =
    [
        (ReminderMove.Claim, Scheduled, Sending),
        (ReminderMove.TakeOver, Sending, Sending),
        (ReminderMove.Abandon, Sending, Failed),
        (ReminderMove.HandBack, Sending, Scheduled),
        (ReminderMove.Outcome, Sending, Sent),
        (ReminderMove.Outcome, Sending, Failed),
        (ReminderMove.Outcome, Sending, Skipped),
        (ReminderMove.Outcome, Sending, Scheduled),
        (ReminderMove.Callback, Scheduled, Sent),
        (ReminderMove.Callback, Sending, Sent),
        (ReminderMove.Callback, Scheduled, Delivered),
        (ReminderMove.Callback, Sending, Delivered),
        (ReminderMove.Callback, Sent, Delivered),
        (ReminderMove.Callback, Scheduled, Failed),
        (ReminderMove.Callback, Sending, Failed),
        (ReminderMove.Callback, Sent, Failed),
        (ReminderMove.Answer, Sent, Confirmed),
        (ReminderMove.Answer, Delivered, Confirmed),
        (ReminderMove.Answer, Sent, Declined),
        (ReminderMove.Answer, Delivered, Declined),
        (ReminderMove.Cancel, Scheduled, Cancelled),
        (ReminderMove.Cancel, Sending, Cancelled),
    ];

    /// <summary>Where each move tries to take a reminder; every status is tried as its start.</summary>
    private static readonly (ReminderMove Move, string[] To)[] Tries =
    [
        (ReminderMove.Claim, [Sending]),
        (ReminderMove.TakeOver, [Sending]),
        (ReminderMove.Abandon, [Failed]),
        (ReminderMove.HandBack, [Scheduled]),
        (ReminderMove.Outcome, [Sent, Failed, Skipped, Scheduled, Delivered, Confirmed, Cancelled]),
        (ReminderMove.Callback, [Sent, Delivered, Failed]),
        (ReminderMove.Answer, [Confirmed, Declined]),
        (ReminderMove.Cancel, [Cancelled]),
    ];

    public static TheoryData<ReminderMove, string, string, bool> Transitions()
    {
        var rows = new TheoryData<ReminderMove, string, string, bool>();
        foreach (var (move, targets) in Tries)
        {
            foreach (var to in targets)
            {
                foreach (var from in Statuses)
                {
                    rows.Add(move, from, to, Allowed.Contains((move, from, to)));
                }
            }
        }
        return rows;
    }

    [Fact]
    public void The_table_in_the_code_allows_exactly_the_moves_listed_here()
    {
        Assert.Equal(
            Allowed.Select(t => $"{t.Move} {t.From}→{t.To}").Order(),
            ReminderTransitions.Allowed.Select(t => $"{t.Move} {t.From}→{t.To}").Order());
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task A_reminder_moves_only_as_the_table_allows(ReminderMove move, string from, string to, bool allowed)
    {
        var now = Factory.Clock.GetUtcNow();
        // Take-over, abandon and cancel of a sending row act on a lease that has passed (a live claim wins).
        var leasePassed = move is ReminderMove.TakeOver or ReminderMove.Abandon or ReminderMove.Cancel;
        var lease = now.AddMinutes(leasePassed ? -1 : 1);
        var id = await ReminderAsync(from, lease, r =>
        {
            // A row the claim would take only for the move under test: due (claim) or with its lease passed (take-over).
            // An outcome's row is not due either: only the writer under test may touch it (full runs on a loaded
            // machine saw such a due row end "sent", a dispatch racing the check).
            r.ScheduledTime = move is ReminderMove.TakeOver or ReminderMove.Abandon or ReminderMove.Outcome ? now.AddHours(1) : now.AddMinutes(-1);
            r.Attempts = move == ReminderMove.Abandon ? MaxAttempts : 1; // abandoned: its last allowed attempt ran out
        });
        var before = await ScrapeAsync();

        using (var scope = Factory.Services.CreateScope())
        {
            var transitions = scope.ServiceProvider.GetRequiredService<ReminderTransitions>();
            switch (move)
            {
                case ReminderMove.Claim or ReminderMove.TakeOver or ReminderMove.Abandon:
                    await transitions.ClaimAsync(now, now.AddMinutes(2), 10, MaxAttempts, CancellationToken.None);
                    break;
                case ReminderMove.HandBack:
                    await transitions.HandBackAsync([id], lease);
                    break;
                case ReminderMove.Outcome:
                    await RecordOutcomeAsync(scope, transitions, id, to, lease);
                    break;
                case ReminderMove.Callback:
                    await transitions.AdvanceAsync(ProviderId, to, "30003", CancellationToken.None);
                    break;
                case ReminderMove.Answer:
                    await transitions.AnswerAsync(id, to == Confirmed, "SManswer00000000000000000000000001", CancellationToken.None);
                    break;
                case ReminderMove.Cancel:
                    await transitions.CancelAsync(id, CancellationToken.None);
                    break;
            }
        }

        await using var db = Factory.Db();
        var row = await db.Reminders.AsNoTracking().SingleAsync(r => r.Id == id);
        Assert.Equal(allowed ? to : from, row.Status);
        if (move == ReminderMove.TakeOver)
        {
            Assert.Equal(allowed ? 2 : 1, row.Attempts); // the status stays: the claim is what moved
        }
        var after = await ScrapeAsync();
        Assert.Equal(allowed ? 1 : 0, Counted(after, to) - Counted(before, to));
    }

    [Theory]
    [InlineData("keypad", "1", Confirmed)]
    [InlineData("keypad", "2", Declined)]
    [InlineData("sms", "1", Confirmed)]
    [InlineData("sms", "2", Declined)]
    public async Task A_keypad_answer_records_what_answered_and_is_counted_like_an_SMS_answer(string by, string digit, string status)
    {
        const string phone = "+237677000090";
        var response = await Client.PostAsync("/api/v1/reminders", new StringContent($$"""
            {"patient_id":"PAT90","message":"Votre rendez-vous est demain.","language":"fr","scheduled_time":"{{Factory.Now()}}",
             "phone_number":"{{phone}}","channels":["{{(by == "sms" ? "sms" : "voice")}}"],"confirm":true}
            """, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        await Factory.DispatchAsync(); // dry-run: sent
        const string callSid = "CA000000000000000000000000ce7ad001";
        if (by == "keypad")
        {
            // As if Twilio had placed the call: only the call placed for the reminder may answer it.
            await using var db = Factory.Db();
            await db.Reminders.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ProviderId, callSid));
        }
        var before = await ScrapeAsync();

        var messageSid = TwilioRequests.NewMessageSid();
        var answer = by == "sms"
            ? await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(phone, digit, messageSid))
            : await Client.PostTwilioAsync($"/twilio/voice/reminder?id={id}&step=1", [new("CallSid", callSid), new("Digits", digit)]);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal((status, by == "sms" ? messageSid : $"{callSid}:1"), (reminder.Status, reminder.RespondedMessageId));
        Assert.NotNull(reminder.RespondedAt);
        Assert.Equal(1, Counted(await ScrapeAsync(), status) - Counted(before, status));

        // The same request again (Twilio retries) answers nothing more.
        await (by == "sms"
            ? Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(phone, digit == "1" ? "2" : "1", messageSid))
            : Client.PostTwilioAsync($"/twilio/voice/reminder?id={id}&step=1", [new("CallSid", callSid), new("Digits", digit == "1" ? "2" : "1")]));
        Assert.Equal(status, (await Factory.ReminderAsync(id)).Status);
    }

    [Fact]
    public async Task A_claim_takes_the_earliest_rows_due_or_with_their_lease_passed_together_in_scheduled_order()
    {
        var now = Factory.Clock.GetUtcNow();
        long[] ids;
        await using (var db = Factory.Db())
        {
            var patient = new Patient { ExternalId = "PATORDER", CreatedAt = now, UpdatedAt = now };
            (string Status, int Minutes, int LeaseMinutes)[] rows =
            [
                (Scheduled, -10, 0), // due first
                (Sending, -9, -1),   // its lease passed: taken over, in its place in the order
                (Scheduled, -8, 0),  // due, but after the batch's two
                (Sending, -11, 1),   // earliest of all, but its claim still holds
                (Scheduled, 5, 0),   // not due yet
            ];
            var reminders = rows.Select((row, i) => new Reminder
            {
                Patient = patient, Message = $"Order {i}", Language = "en", PhoneNumber = "+237677000092", Channels = ["sms"], Status = row.Status,
                ScheduledTime = now.AddMinutes(row.Minutes), LeaseUntil = row.Status == Sending ? now.AddMinutes(row.LeaseMinutes) : null,
                Attempts = row.Status == Sending ? 1 : 0, CreatedAt = now, UpdatedAt = now,
            }).ToList();
            db.Reminders.AddRange(reminders);
            await db.SaveChangesAsync();
            ids = [.. reminders.Select(r => r.Id)];
        }

        using var scope = Factory.Services.CreateScope();
        var transitions = scope.ServiceProvider.GetRequiredService<ReminderTransitions>();
        var (first, _) = await transitions.ClaimAsync(now, now.AddMinutes(2), 2, MaxAttempts, CancellationToken.None);
        Assert.Equal([ids[0], ids[1]], first.Order());
        var (second, _) = await transitions.ClaimAsync(now, now.AddMinutes(2), 10, MaxAttempts, CancellationToken.None);
        Assert.Equal([ids[2]], second);

        await using var after = Factory.Db();
        var attempts = await after.Reminders.Where(r => ids.Contains(r.Id)).OrderBy(r => r.Id).Select(r => new { r.Status, r.Attempts }).ToListAsync();
        Assert.Equal([(Sending, 1), (Sending, 2), (Sending, 1), (Sending, 1), (Scheduled, 0)], attempts.Select(a => (a.Status, a.Attempts)));
    }

    [Fact]
    public async Task A_call_back_claim_takes_the_earliest_rows_due_or_with_their_lease_passed_together_in_due_order()
    {
        var now = Factory.Clock.GetUtcNow();
        long[] ids;
        await using (var db = Factory.Db())
        {
            (string Status, int Minutes, int LeaseMinutes)[] rows =
            [
                (CallBackStatus.Scheduled, -10, 0), // due first
                (CallBackStatus.Placing, -9, -1),   // its lease passed: taken over, in its place in the order
                (CallBackStatus.Scheduled, -8, 0),  // due, but after the batch's two
                (CallBackStatus.Placing, -11, 1),   // earliest of all, but its claim still holds
                (CallBackStatus.Scheduled, 5, 0),   // not due yet
            ];
            var callBacks = rows.Select((row, i) => new CallBack
            {
                Phone = $"+23767700030{i}", PhoneHash = [(byte)i, 1, 2, 3], HospitalNumber = "+237233000000", InboundCallSid = $"CA00000000000000000000000000claim{i}",
                Trigger = "rejected", Day = DateOnly.FromDateTime(now.UtcDateTime), Status = row.Status, DueAt = now.AddMinutes(row.Minutes),
                LeaseUntil = row.Status == CallBackStatus.Placing ? now.AddMinutes(row.LeaseMinutes) : null,
                Attempts = row.Status == CallBackStatus.Placing ? 1 : 0, CreatedAt = now, UpdatedAt = now,
            }).ToList();
            db.CallBacks.AddRange(callBacks);
            await db.SaveChangesAsync();
            ids = [.. callBacks.Select(c => c.Id)];
        }

        using var scope = Factory.Services.CreateScope();
        var transitions = scope.ServiceProvider.GetRequiredService<CallBackTransitions>();
        Assert.Equal([ids[0], ids[1]], (await transitions.ClaimAsync(now, now.AddMinutes(2), 2, MaxAttempts, CancellationToken.None)).Order());
        Assert.Equal([ids[2]], await transitions.ClaimAsync(now, now.AddMinutes(2), 10, MaxAttempts, CancellationToken.None));

        await using var after = Factory.Db();
        var attempts = await after.CallBacks.Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id).Select(c => new { c.Status, c.Attempts }).ToListAsync();
        Assert.Equal([(CallBackStatus.Placing, 1), (CallBackStatus.Placing, 2), (CallBackStatus.Placing, 1), (CallBackStatus.Placing, 1), (CallBackStatus.Scheduled, 0)],
            attempts.Select(a => (a.Status, a.Attempts)));
    }

    private async Task<long> ReminderAsync(string status, DateTimeOffset lease, Action<Reminder> adjust)
    {
        var now = Factory.Clock.GetUtcNow();
        await using var db = Factory.Db();
        var patient = new Patient { ExternalId = "PATMOVE", CreatedAt = now, UpdatedAt = now };
        var reminder = new Reminder
        {
            Patient = patient, Message = "Moves", Language = "en", PhoneNumber = "+237677000091", Channels = ["sms"], Status = status,
            Confirm = true, SentAt = now.AddMinutes(-5), ProviderId = ProviderId, LeaseUntil = lease, Attempts = 1, CreatedAt = now, UpdatedAt = now,
        };
        adjust(reminder);
        db.Reminders.Add(reminder);
        await db.SaveChangesAsync();
        return reminder.Id;
    }

    /// <summary>Saves a send's outcome as the dispatcher does; an outcome the table refuses is refused before anything is written.</summary>
    private static async Task RecordOutcomeAsync(IServiceScope scope, ReminderTransitions transitions, long id, string to, DateTimeOffset lease)
    {
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var reminder = await db.Reminders.AsNoTracking().SingleAsync(r => r.Id == id);
        reminder.Status = to;
        await db.Database.OpenConnectionAsync();
        await using var writer = new ReminderOutcomeWriter((NpgsqlConnection)db.Database.GetDbConnection());
        var save = () => transitions.RecordOutcomesAsync(writer, [reminder], lease, CancellationToken.None);
        if (ReminderTransitions.Allows(ReminderMove.Outcome, Sending, to))
        {
            await save(); // written only while the row is still sending under this lease
        }
        else
        {
            await Assert.ThrowsAsync<InvalidOperationException>(save);
        }
    }

    private async Task<PrometheusText> ScrapeAsync() => PrometheusText.Parse(await Factory.CreateClient().GetStringAsync("/metrics"));

    private static double Counted(PrometheusText scrape, string status) => scrape["tf_reminder_transitions_total", ("status", status)];
}
