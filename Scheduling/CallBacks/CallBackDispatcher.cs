using Coravel.Invocable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling.Reminders;

namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>
/// Places due call-backs: claims them (<see cref="CallBackTransitions.ClaimAsync"/>, the reminders' lease
/// protocol, so several instances place each once), keeps quiet hours, and asks Twilio for a call whose
/// TwiML is the voice survey (<c>/twilio/voice/callback?id=…</c>), with its outcome reported to
/// <c>/twilio/status/callback?id=…</c>. One row's failure is its own.
/// </summary>
public sealed partial class CallBackDispatcher(
    FeedbackDbContext db,
    CallBackTransitions transitions,
    TwilioMessagingClient messaging,
    TimeProvider clock,
    IOptions<TwilioOptions> twilio,
    IOptions<ReminderOptions> reminders,
    IHostApplicationLifetime lifetime,
    ILogger<CallBackDispatcher> logger) : IInvocable
{
    /// <summary>The TwiML of a call-back's call, under the public base URL.</summary>
    public const string TwimlPath = "/twilio/voice/callback";

    /// <summary>Where Twilio reports a call-back's call, under the public base URL.</summary>
    public const string StatusPath = "/twilio/status/callback";

    private const int BatchSize = 50, MaxBatchesPerRun = 20;

    private readonly QuietHours _quietHours = QuietHours.Of(reminders.Value);

    public async Task Invoke()
    {
        for (var batch = 0; batch < MaxBatchesPerRun && !lifetime.ApplicationStopping.IsCancellationRequested; batch++)
        {
            if (await DispatchBatchAsync(CancellationToken.None) < BatchSize)
            {
                break;
            }
        }
    }

    /// <summary>Claims and places one batch; returns how many rows it claimed.</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var leaseUntil = ReminderClaims.Microseconds(now + reminders.Value.Lease);
        var claimed = await transitions.ClaimAsync(now, leaseUntil, BatchSize, reminders.Value.MaxAttempts, cancellationToken);
        foreach (var id in claimed)
        {
            try
            {
                await PlaceAsync(id, now, leaseUntil, cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A row that will not read (a phone that will not decrypt) or a save that failed: this row only.
                LogFailed(logger, exception, id, exception.GetType().Name);
                await transitions.NotPlacedAsync(id, leaseUntil, CallBackStatus.Failed, null, true,
                    $"{exception.GetType().Name} while placing the call (see the server log, event 5205).", CancellationToken.None);
            }
        }
        return claimed.Count;
    }

    private async Task PlaceAsync(long id, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        if (_quietHours.NextAllowed(now) is var allowed && allowed > now)
        {
            // Quiet hours: not an attempt, just later.
            await transitions.NotPlacedAsync(id, leaseUntil, CallBackStatus.Scheduled, allowed, false, null, cancellationToken);
            LogDeferred(logger, id, allowed);
            return;
        }
        var baseUrl = reminders.Value.PublicBaseUrl;
        if (twilio.Value.DryRun || baseUrl is null)
        {
            var why = baseUrl is null ? "Call-backs need PUBLIC_BASE_URL." : "Dry-run: no Twilio credentials, no call placed.";
            await transitions.NotPlacedAsync(id, leaseUntil, CallBackStatus.Skipped, null, true, why, cancellationToken);
            LogSkipped(logger, id, why);
            return;
        }
        var row = await db.CallBacks.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Phone, c.HospitalNumber, c.Attempts }).SingleAsync(cancellationToken);
        var result = await messaging.PlaceCallAsync(row.Phone, $"{baseUrl}{TwimlPath}?id={id}", $"{baseUrl}{StatusPath}?id={id}", cancellationToken, from: row.HospitalNumber);
        if (result.Succeeded)
        {
            if (!await transitions.PlacedAsync(id, leaseUntil, result.Sid!, now, cancellationToken))
            {
                LogTakenOver(logger, id);
            }
            LogPlaced(logger, id, Mask.Phone(row.Phone), result.Sid!);
            return;
        }
        var attempts = row.Attempts;
        var error = $"{result.ErrorCode}: {result.Error}";
        if (!result.Permanent && attempts < reminders.Value.MaxAttempts)
        {
            await transitions.NotPlacedAsync(id, leaseUntil, CallBackStatus.Scheduled, now + RetryBackoff.After(attempts), true, error, cancellationToken);
        }
        else
        {
            await transitions.NotPlacedAsync(id, leaseUntil, CallBackStatus.Failed, null, true, error, cancellationToken);
        }
        LogNotPlaced(logger, id, error);
    }

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Call-back {CallBackId} placed to {Phone} ({CallSid})")]
    private static partial void LogPlaced(ILogger logger, long callBackId, string phone, string callSid);

    [LoggerMessage(EventId = 5203, Level = LogLevel.Information, Message = "Call-back {CallBackId} deferred to {At} (quiet hours)")]
    private static partial void LogDeferred(ILogger logger, long callBackId, DateTimeOffset at);

    [LoggerMessage(EventId = 5204, Level = LogLevel.Warning, Message = "Call-back {CallBackId} not placed: {Error}")]
    private static partial void LogNotPlaced(ILogger logger, long callBackId, string error);

    [LoggerMessage(EventId = 5205, Level = LogLevel.Error, Message = "Call-back {CallBackId} failed: its handling threw {Error}; the rest of the batch goes on")]
    private static partial void LogFailed(ILogger logger, Exception exception, long callBackId, string error);

    [LoggerMessage(EventId = 5206, Level = LogLevel.Information, Message = "Call-back {CallBackId} skipped: {Why}")]
    private static partial void LogSkipped(ILogger logger, long callBackId, string why);

    [LoggerMessage(EventId = 5207, Level = LogLevel.Warning, Message = "Call-back {CallBackId} placed after its lease ran out: another dispatcher took it over")]
    private static partial void LogTakenOver(ILogger logger, long callBackId);
}
