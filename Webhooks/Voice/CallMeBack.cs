using Coravel.Queuing.Interfaces;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>
/// Call me back on the voice webhooks (taken as one <c>[AsParameters]</c> parameter): a call to a number
/// <c>Voice:CallMeBack</c> is on for is rejected unanswered and becomes a call-back row; so does one that
/// rang out unanswered (its status callback says <c>no-answer</c> or <c>canceled</c>).
/// </summary>
public readonly record struct CallMeBack(
    IOptions<CallBackOptions> CallBackSettings, IOptions<ReminderOptions> ReminderSettings, CallBackRequests Requests, IQueue Queue, PatientRateLimiter Budget)
{
    /// <summary>The answer to a call's first request when call me back is on for its number (and the caller has a number to call): &lt;Reject reason="busy"/&gt;.</summary>
    public async Task<TwiMLResult?> RejectAsync(CallStep call, CancellationToken cancellationToken)
    {
        if (!CallBackSettings.Value.AppliesTo(call.To) || Callable(call.From) is not { } phone)
        {
            return null;
        }
        await RequestAsync(phone, call.To, call.CallSid, "rejected", cancellationToken);
        return new TwiMLResult(new VoiceResponse().Reject("busy"));
    }

    /// <summary>An incoming call that rang out unanswered asks for a call back too (within the caller's budget).</summary>
    public async Task MissedAsync(HttpRequest request, CallStatusCallback callback, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken); // read already by the binder
        var to = form["To"].ToString();
        if (callback.CallStatus is not ("no-answer" or "canceled") || form["Direction"] != "inbound"
            || !CallBackSettings.Value.AppliesTo(to) || Callable(form["From"].ToString()) is not { } phone)
        {
            return;
        }
        using var lease = Budget.Acquire(phone);
        if (lease.IsAcquired)
        {
            await RequestAsync(phone, to, callback.CallSid, "missed", cancellationToken);
        }
    }

    private async Task RequestAsync(string phone, string hospitalNumber, string callSid, string trigger, CancellationToken cancellationToken)
    {
        if (await Requests.RequestAsync(phone, hospitalNumber, callSid, trigger, cancellationToken) == CallBackRequestOutcome.Scheduled
            && ReminderSettings.Value.DispatchOnSchedule)
        {
            Queue.QueueInvocable<CallBackDispatcher>(); // now, rather than at the next tick
        }
    }

    /// <summary>The caller's number in E.164, or null for a withheld, SIP or client caller (nothing to call back).</summary>
    private static string? Callable(string from)
    {
        var number = PatientDirectory.Normalize(from);
        return CallBackOptions.IsE164(number) ? number : null;
    }
}
