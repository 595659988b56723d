using TwilioFeedback.Scheduling.Reminders;
using System.Globalization;
using Coravel.Queuing.Interfaces;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;
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
        twilio.MapPost("/voice", HandleAsync).LimitPerPatient("From").WithName("TwilioVoice").WithSummary("A call comes in, and each keypress or recording after it; answers TwiML.");
        twilio.MapPost("/voice/recording", RecordingCallbackAsync).WithName("TwilioRecordingStatus").WithSummary("recordingStatusCallback: fetch the audio once it is ready.");
        twilio.MapPost("/status/call", CallStatusAsync).WithName("TwilioCallStatus").WithSummary("Call status callback, recorded.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        HttpRequest request,
        ConversationRunner runner,
        PatientTexts texts,
        PromptCatalog catalog,
        IOptions<VoiceOptions> voice,
        IOptions<WebhookOptions> webhooks,
        ILoggerFactory loggers,
        CancellationToken cancellationToken,
        int step = 0)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Expected a form POST from Twilio.");
        }
        var form = await request.ReadFormAsync(cancellationToken);
        var callSid = form["CallSid"].ToString();
        var from = form["From"].ToString();
        if (callSid.Length is 0 or > 40 || from.Length is 0 or > PatientDirectory.MaxAddressLength || step is < 0 or > 100)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "CallSid and From are required.");
        }
        var digits = form["Digits"].ToString();
        InboundAudio? audio = null;
        if (form["RecordingSid"].ToString() is { Length: > 0 and <= 64 } recordingSid && digits != "*"
            && int.TryParse(form["RecordingDuration"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            && form["RecordingUrl"].ToString() is var recordingUrl && RecordingRows.IsAudioUrl(recordingUrl))
        {
            audio = new InboundAudio(recordingSid, recordingUrl, "audio/wav");
        }
        var inbound = new Inbound(Channel.Voice, from, form["To"].ToString(), Text: null, $"{callSid}:{step}",
            Digits: digits is "hangup" ? null : digits, Audio: audio, SessionId: callSid);

        var reply = await runner.HandleAsync(inbound, cancellationToken);
        var baseUrl = webhooks.Value.PublicBaseUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        var logger = loggers.CreateLogger(typeof(VoiceEndpoints));
        return new TwiMLResult(await RenderAsync(reply, step + 1, texts, catalog, voice.Value, baseUrl, logger, cancellationToken));
    }

    internal static async Task<VoiceResponse> RenderAsync(Reply reply, int nextStep, PatientTexts texts, PromptCatalog catalog, VoiceOptions options, string baseUrl, ILogger logger, CancellationToken cancellationToken)
    {
        var voice = new VoicePrompts(texts, catalog, options, baseUrl, logger);
        var speech = new List<Speech>();
        foreach (var prompt in reply.Prompts)
        {
            if (prompt.Key is MessageKeys.LanguageMenu or MessageKeys.LanguageMenuAgain)
            {
                // Each language offers itself, in itself.
                foreach (var language in Languages.All)
                {
                    speech.Add(await voice.SpeakAsync(MessageKeys.VoiceLanguageOption, language, cancellationToken, ((int)language + 1).ToString(CultureInfo.InvariantCulture)));
                }
            }
            else
            {
                speech.Add(await voice.SpeakAsync(MessageKeys.For(MessageKeys.VoicePrefix, prompt.Key), reply.Language, cancellationToken, [.. prompt.Args]));
            }
        }

        var action = $"{VoicePath}?step={nextStep}";
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
        HttpRequest request, FeedbackDbContext db, ProviderEvents events, IQueue queue, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Expected a form POST from Twilio.");
        }
        var form = await request.ReadFormAsync(cancellationToken);
        var sid = form["RecordingSid"].ToString();
        var status = form["RecordingStatus"].ToString();
        if (sid.Length is 0 or > 64 || status.Length == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "RecordingSid (up to 64 characters) and RecordingStatus are required.");
        }
        if (status == "completed" && !RecordingRows.IsAudioUrl(form["RecordingUrl"].ToString()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"RecordingUrl must be an http(s) URL of at most {RecordingRows.MaxUrlLength} characters.");
        }
        await events.RecordAsync("recording", sid, status, form["ErrorCode"].ToString(), cancellationToken);
        var now = clock.GetUtcNow();
        if (status == "completed")
        {
            await RecordingRows.MarkReadyAsync(db, sid, form["RecordingUrl"].ToString(), now, cancellationToken);
            queue.QueueInvocable<RecordingFetcher>();
        }
        else if (status is "failed" or "absent")
        {
            await RecordingRows.MarkFailedAsync(db, sid, $"Twilio reported the recording {status}.", cancellationToken);
        }
        return new TwiMLResult(new VoiceResponse());
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> CallStatusAsync(
        HttpRequest request, ProviderEvents events, ReminderTransitions reminders, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Expected a form POST from Twilio.");
        }
        var form = await request.ReadFormAsync(cancellationToken);
        var sid = form["CallSid"].ToString();
        var status = form["CallStatus"].ToString();
        if (sid.Length == 0 || status.Length == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "CallSid and CallStatus are required.");
        }
        await events.RecordAsync("call", sid, status, form["ErrorCode"].ToString(), cancellationToken);
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
