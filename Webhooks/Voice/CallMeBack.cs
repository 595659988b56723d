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
    /// <summary>
    /// The answer to a call's first request when call me back is on for its number (and the caller has a number to call):
    /// &lt;Reject reason="busy"/&gt;, over the caller's budget too (a 429 might be answered, and the patient would pay),
    /// but then without another call-back.
    /// </summary>
    public async Task<TwiMLResult?> RejectAsync(CallStep call, CancellationToken cancellationToken)
    {
        if (!CallBackSettings.Value.AppliesTo(call.To) || Callable(call.From) is not { } phone)
        {
            return null;
        }
        await RequestWithinBudgetAsync(phone, call.To, call.CallSid, "rejected", cancellationToken);
        return new TwiMLResult(new VoiceResponse().Reject("busy"));
    }

    /// <summary>
    /// Runs before the per-patient budget on the voice webhook: a call's first request that call me back answers
    /// is rejected here, whatever the budget says; everything else goes on to the budget and the survey.
    /// </summary>
    public static async ValueTask<object?> RejectBeforeBudget(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var query = context.HttpContext.Request.Query["step"].ToString();
        if ((query.Length == 0 || query == "0")
            && context.Arguments.OfType<CallStep>().FirstOrDefault() is { Problem: null } call
            && context.Arguments.OfType<CallMeBack>().ToList() is [var callMeBack]
            && await callMeBack.RejectAsync(call, context.HttpContext.RequestAborted) is { } rejected)
        {
            return rejected;
        }
        return await next(context);
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
        await RequestWithinBudgetAsync(phone, to, callback.CallSid, "missed", cancellationToken);
    }

    /// <summary>Asks for a call-back, if the caller's per-number budget has room for it.</summary>
    private async Task RequestWithinBudgetAsync(string phone, string hospitalNumber, string callSid, string trigger, CancellationToken cancellationToken)
    {
        using var lease = Budget.Acquire(phone);
        if (lease.IsAcquired && await Requests.RequestAsync(phone, hospitalNumber, callSid, trigger, cancellationToken) == CallBackRequestOutcome.Scheduled
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
