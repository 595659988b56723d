using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling.Reminders;

namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>
/// Turns a flash into a call-back row, within the limits: one incoming call asks once, a number with a
/// call-back on its way asks nothing more, and a number is called back at most Voice:CallMeBackPerDay
/// times a hospital day. Opted-out patients are called too: they called us.
/// </summary>
public sealed partial class CallBackRequests(
    FeedbackDbContext db, PhoneHasher hasher, TimeProvider clock, IOptions<CallBackOptions> options, IOptions<ReminderOptions> reminders,
    CallBackMetrics metrics, ILogger<CallBackRequests> logger)
{
    private static readonly string[] Unfinished = [CallBackStatus.Scheduled, CallBackStatus.Placing, CallBackStatus.Placed];

    /// <param name="phone">The caller's number, E.164.</param>
    /// <param name="trigger"><c>rejected</c> or <c>missed</c>.</param>
    public async Task<CallBackRequestOutcome> RequestAsync(string phone, string hospitalNumber, string inboundCallSid, string trigger, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var quiet = QuietHours.Of(reminders.Value);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, quiet.Zone).DateTime);
        var hash = hasher.Hash(phone);
        var outcome = await ScheduleAsync();
        metrics.Requested(outcome);
        if (outcome == CallBackRequestOutcome.Scheduled)
        {
            metrics.Moved(CallBackStatus.Scheduled);
        }
        else
        {
            LogNotScheduled(logger, Mask.Phone(phone), outcome);
        }
        return outcome;

        async Task<CallBackRequestOutcome> ScheduleAsync()
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // One number's flashes one after the other, on every instance: the count below is then exact.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({BitConverter.ToInt64(hash)})", cancellationToken);
            if (await db.CallBacks.AnyAsync(c => c.InboundCallSid == inboundCallSid, cancellationToken))
            {
                return CallBackRequestOutcome.Repeated;
            }
            if (await db.CallBacks.AnyAsync(c => c.PhoneHash == hash && Unfinished.Contains(c.Status), cancellationToken))
            {
                return CallBackRequestOutcome.Pending;
            }
            if (await db.CallBacks.CountAsync(c => c.PhoneHash == hash && c.Day == day, cancellationToken) >= options.Value.CallMeBackPerDay)
            {
                return CallBackRequestOutcome.OverDailyLimit;
            }
            var callBack = new CallBack
            {
                Phone = phone, PhoneHash = hash, HospitalNumber = hospitalNumber, InboundCallSid = inboundCallSid, Trigger = trigger,
                Day = day, Status = CallBackStatus.Scheduled, DueAt = quiet.NextAllowed(now), CreatedAt = now, UpdatedAt = now,
            };
            db.CallBacks.Add(callBack);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogScheduled(logger, callBack.Id, trigger, callBack.DueAt);
            return CallBackRequestOutcome.Scheduled;
        }
    }

    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Call-back {CallBackId} scheduled ({Trigger} call), due {DueAt}")]
    private static partial void LogScheduled(ILogger logger, long callBackId, string trigger, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "No call-back for {Phone}: {Outcome}")]
    private static partial void LogNotScheduled(ILogger logger, string phone, CallBackRequestOutcome outcome);
}
