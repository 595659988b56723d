using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>The TwiML of a call-back's call: the normal voice survey, in the patient's language, with the patient we called.</summary>
public static class CallMeBackEndpoints
{
    public static RouteGroupBuilder MapCallMeBack(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/voice/callback", HandleAsync).WithMetadata(WebhookChannel.Voice).WithName("TwilioVoiceCallBack")
            .WithSummary("TwiML for a call-back we placed: the voice survey, each step posting back here.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        CallStep call, [AsParameters] VoiceServices services, ConversationRunner runner, FeedbackDbContext db, CancellationToken cancellationToken,
        long id = 0, int step = 0)
    {
        if (call.Problem is { } problem)
        {
            return problem;
        }
        var callBack = await db.CallBacks.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new { c.Phone, c.HospitalNumber, c.ProviderId, c.Status }).FirstOrDefaultAsync(cancellationToken);
        // Only the call placed for this call-back (Twilio may fetch the first step before its CallSid is saved), while it is on.
        if (callBack is null || step is < 0 or > 100 || callBack.Status is not (CallBackStatus.Placing or CallBackStatus.Placed)
            || (callBack.ProviderId is not null && callBack.ProviderId != call.CallSid))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such call-back call.");
        }
        // On a call we placed, From is the hospital: the patient is the number we called.
        return await VoiceEndpoints.SurveyStepAsync(call with { From = callBack.Phone, To = callBack.HospitalNumber }, step,
            $"{CallBackDispatcher.TwimlPath}?id={id}&", services, runner, cancellationToken);
    }
}
