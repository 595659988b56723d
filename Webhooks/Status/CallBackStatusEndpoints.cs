using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>The status callback of a call-back's call: answered, or retried once after a busy or unanswered call, then failed.</summary>
public static class CallBackStatusEndpoints
{
    public static RouteGroupBuilder MapCallBackStatus(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/status/callback", HandleAsync).WithMetadata(WebhookChannel.Status).WithName("TwilioCallBackStatus")
            .WithSummary("Call status callback of a call-back's call: moves the call-back on, never back.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        CallStatusCallback callback, ProviderEvents events, CallBackTransitions transitions, CancellationToken cancellationToken, long id = 0)
    {
        if (callback.Problem is { } problem)
        {
            return problem;
        }
        await events.RecordAsync("call", callback.CallSid, callback.CallStatus, callback.ErrorCode, cancellationToken);
        // Only the call placed last for this call-back moves it (the guard is in the statement).
        await transitions.AdvanceAsync(id, callback.CallSid, callback.CallStatus, cancellationToken);
        return new TwiMLResult(new VoiceResponse());
    }
}
