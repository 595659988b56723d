using TwilioFeedback.Scheduling.Reminders;
using System.Globalization;
using Coravel.Queuing.Interfaces;
using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Status;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Edge;


namespace TwilioFeedback.Webhooks.Voice;

/// <summary>Calls: the survey by keypad, the comment in the patient's own voice.</summary>
public static class VoiceEndpoints
{
    public const string VoicePath = "/twilio/voice";
    public const string RecordingCallbackPath = "/twilio/voice/recording";
    public const string CallStatusPath = "/twilio/status/call";

    public static RouteGroupBuilder MapVoice(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/voice", HandleAsync).WithMetadata(WebhookChannel.Voice).AddEndpointFilter(CallMeBack.RejectBeforeBudget).LimitPerPatient("From").WithName("TwilioVoice").WithSummary("A call comes in, and each keypress or recording after it; answers TwiML.");
        twilio.MapPost("/voice/recording", RecordingCallbackAsync).WithMetadata(WebhookChannel.VoiceRecording).WithName("TwilioRecordingStatus").WithSummary("recordingStatusCallback: fetch the audio once it is ready.");
        HeldWebhooks.HeldWhileDatabaseDown(twilio.MapPost("/status/call", CallStatusAsync), HeldWebhooks.Call).WithMetadata(WebhookChannel.Status).WithName("TwilioCallStatus").WithSummary("Call status callback, recorded.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        CallStep call, [AsParameters] VoiceServices services, ConversationRunner runner, [AsParameters] CallMeBack callMeBack, CancellationToken cancellationToken, int step = 0)
    {
        if (call.Problem is { } problem)
        {
            return problem;
        }
        if (step is < 0 or > 100)
        {
            return WebhookForm.BadRequest(CallStep.Required);
        }
        // A first request call me back answers never gets here: CallMeBack.RejectBeforeBudget, the filter that takes callMeBack, rejected it.
        return await SurveyStepAsync(call, step, VoicePath + "?", services, runner, cancellationToken);
    }

    /// <summary>One step of the survey with the patient at <c>call.From</c>; the next step posts to <paramref name="actionPrefix"/> + <c>step=…</c>.</summary>
    /// <param name="invitedIn">The key answers a feedback invite said in this language (<see cref="Inbound.InvitedIn"/>).</param>
    internal static async Task<TwiMLResult> SurveyStepAsync(
        CallStep call, int step, string actionPrefix, VoiceServices services, ConversationRunner runner, CancellationToken cancellationToken, Language? invitedIn = null)
    {
        InboundAudio? audio = null;
        // The binder checked the SID and URL (Twilio's formats, Twilio's API host).
        if (call.RecordingSid.Length > 0 && call.RecordingUrl.Length > 0 && call.Digits != "*" && call.RecordingDuration > 0)
        {
            audio = new InboundAudio(call.RecordingSid, call.RecordingUrl, "audio/wav");
        }
        var inbound = new Inbound(Channel.Voice, call.From, call.To, Text: null, $"{call.CallSid}:{step}",
            Digits: call.Digits is "hangup" ? null : call.Digits, Audio: audio, SessionId: call.CallSid, InvitedIn: invitedIn);

        var reply = await runner.HandleAsync(inbound, cancellationToken);
        return new TwiMLResult(await RenderAsync(reply, step + 1, services.Prompts(typeof(VoiceEndpoints)), services.Options.Value, cancellationToken, actionPrefix));
    }

    internal static async Task<VoiceResponse> RenderAsync(
        Reply reply, int nextStep, VoicePrompts voice, VoiceOptions options, CancellationToken cancellationToken, string actionPrefix = VoicePath + "?")
    {
        var speech = new List<Speech>();
        foreach (var prompt in reply.Prompts)
        {
            if (prompt.Key is MessageKeys.LanguageMenu or MessageKeys.LanguageMenuAgain)
            {
                // Each language live on calls offers itself, in itself, numbered in menu order.
                var offered = reply.Menu ?? Languages.All;
                for (var i = 0; i < offered.Count; i++)
                {
                    speech.Add(await voice.SpeakAsync(MessageKeys.VoiceLanguageOption, offered[i], cancellationToken, (i + 1).ToString(CultureInfo.InvariantCulture)));
                }
            }
            else
            {
                speech.Add(await voice.SpeakAsync(MessageKeys.For(MessageKeys.VoicePrefix, prompt.Key), reply.Language, cancellationToken, [.. prompt.Args]));
            }
        }

        var action = $"{actionPrefix}step={nextStep}";
        var response = new VoiceResponse();
        switch (reply.Awaiting)
        {
            case QuestionKind.Language or QuestionKind.Rating:
                response.Gather(action, numDigits: 1, options.GatherTimeoutSeconds, r => VoicePrompts.Add(r, speech));
                response.Redirect(action); // no key pressed: the engine counts a miss and asks again
                break;
            case QuestionKind.Comment:
                VoicePrompts.Add(response, speech);
                response.Record(action, RecordingCallbackPath, options.MaxCommentSeconds, finishOnKey: "#*");
                response.Redirect(action); // nothing recorded: asked again
                break;
            default:
                VoicePrompts.Add(response, speech);
                response.Hangup();
                break;
        }
        return response;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> RecordingCallbackAsync(
        RecordingStatusCallback recording, FeedbackDbContext db, ProviderEvents events, IQueue queue, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (recording.Problem is { } problem)
        {
            return problem;
        }
        var (sid, status) = (recording.RecordingSid, recording.RecordingStatus);
        await events.RecordAsync("recording", sid, status, recording.ErrorCode, cancellationToken);
        var now = clock.GetUtcNow();
        if (status == "completed")
        {
            await RecordingRows.MarkReadyAsync(db, sid, recording.RecordingUrl, now, cancellationToken);
            queue.QueueInvocable<RecordingFetcher>();
        }
        else if (status is "failed" or "absent")
        {
            await RecordingRows.MarkFailedAsync(db, sid, $"Twilio reported the recording {status}.", cancellationToken);
        }
        return new TwiMLResult(new VoiceResponse());
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> CallStatusAsync(
        CallStatusCallback callback, ProviderEvents events, ReminderTransitions reminders, HttpRequest request, [AsParameters] CallMeBack callMeBack, CancellationToken cancellationToken)
    {
        if (callback.Problem is { } problem)
        {
            return problem;
        }
        var (sid, status) = (callback.CallSid, callback.CallStatus);
        await events.RecordAsync("call", sid, status, callback.ErrorCode, cancellationToken);
        await callMeBack.MissedAsync(request, callback, cancellationToken); // an incoming call that rang out unanswered
        // A reminder call: answered is delivered; no answer, busy or failed is failed.
        var next = status switch
        {
            "completed" => ReminderStatus.Delivered,
            "busy" or "failed" or "no-answer" or "canceled" => ReminderStatus.Failed,
            _ => null,
        };
        if (next is not null)
        {
            await reminders.AdvanceAsync(sid, next, status, cancellationToken);
        }
        return new TwiMLResult(new VoiceResponse());
    }

}
