using System.Net;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.WebhookTables;

/// <summary>The voice webhook, one row per request Twilio sends during a call: the call, each key, the recording.</summary>
public sealed class VoiceWebhooks(TwilioApiFactory factory) : WebhookTable<TwilioApiFactory>(factory)
{
    private const string Path = "/twilio/voice";
    private const string Caller = "+237677000001";
    private const string RecordingSid = "RE3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c";
    private const string RecordingUrl = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Recordings/" + RecordingSid;

    /// <summary>A call coming in, exactly as Twilio posts it (fields in name order, as Twilio sends voice requests).</summary>
    private const string Ringing =
        "AccountSid=AC00000000000000000000000000000001&ApiVersion=2010-04-01&CallSid=CA3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c" +
        "&CallStatus=ringing&Called=%2B237233000000&CalledCity=&CalledCountry=CM&CalledState=&CalledZip=" +
        "&Caller=%2B237677000001&CallerCity=&CallerCountry=CM&CallerState=&CallerZip=&Direction=inbound" +
        "&From=%2B237677000001&FromCity=&FromCountry=CM&FromState=&FromZip=&To=%2B237233000000&ToCity=&ToCountry=CM&ToState=&ToZip=";

    /// <summary>The request for <paramref name="step"/> of the call: the first one rings, the later ones follow an action URL.</summary>
    private static WebhookRequest Call(int step, params (string Name, string Value)[] fields) => step == 0
        ? new(Path, Ringing.With(fields).Sorted())
        : new($"{Path}?step={step}", Ringing.With([("CallStatus", "in-progress"), .. fields]).Sorted());

    private static WebhookRequest Press(int step, string digits) => Call(step, ("Digits", digits));

    /// <summary>The call so far: it rang, then each key in turn (null: no key pressed before the timeout).</summary>
    private static Before[] Pressed(params string?[] keys) =>
        [Call(0), .. keys.Select((key, i) => key is null ? Call(i + 1) : Press(i + 1, key))];

    // Only the languages live on calls are offered: English and French, which Twilio speaks. Duala, Basaa
    // and Ewondo join the menu once an admin sets them live, with every prompt recorded and approved.
    private static string Menu(int step) =>
        $"""<Response><Gather input="dtmf" numDigits="1" timeout="6" action="/twilio/voice?step={step}" method="POST">""" +
        """<Say language="en-US">For English, press 1.</Say><Say language="fr-FR">Pour le français, appuyez sur 2.</Say>""" +
        $"""</Gather><Redirect method="POST">/twilio/voice?step={step}</Redirect></Response>""";

    private static readonly PatientRow English = new(Caller, "en");
    private static readonly PatientRow French = new(Caller, "fr");

    public static IReadOnlyList<WebhookCase> Table { get; } =
    [
        new("A call is answered with the language menu, each language offering itself", Call(0))
        {
            TwiML = Menu(1),
            Patients = [new(Caller, null)],
        },
        new("A wrong key at the language menu repeats the whole menu", Press(1, "9"))
        {
            Given = Pressed(),
            TwiML = Menu(2),
            Patients = [new(Caller, null)],
        },
        new("Keypad 2 at the language menu asks for the rating in French", Press(2, "2"))
        {
            Given = Pressed("9"),
            TwiML = """<Response><Gather input="dtmf" numDigits="1" timeout="6" action="/twilio/voice?step=3" method="POST"><Say language="fr-FR">{Voice_AskRating:fr}</Say></Gather><Redirect method="POST">/twilio/voice?step=3</Redirect></Response>""",
            Patients = [French],
        },
        new("A wrong key at the rating gets a short reprompt", Press(3, "7"))
        {
            Given = Pressed("9", "2"),
            TwiML = """<Response><Gather input="dtmf" numDigits="1" timeout="6" action="/twilio/voice?step=4" method="POST"><Say language="fr-FR">{Voice_AskRatingAgain:fr}</Say></Gather><Redirect method="POST">/twilio/voice?step=4</Redirect></Response>""",
            Patients = [French],
        },
        new("Keypad 4 after a wrong key is the rating, and the spoken comment is asked for", Press(4, "4"))
        {
            Given = Pressed("9", "2", "7"),
            TwiML = """<Response><Say language="fr-FR">{Voice_AskComment:fr}</Say><Record action="/twilio/voice?step=5" method="POST" maxLength="120" finishOnKey="#*" playBeep="true" recordingStatusCallback="/twilio/voice/recording" recordingStatusCallbackMethod="POST" /><Redirect method="POST">/twilio/voice?step=5</Redirect></Response>""",
            Patients = [French],
            Feedback = [new(4, null, "fr", "voice")],
        },
        new("No key at the rating asks again", Call(2))
        {
            Given = Pressed("1"),
            TwiML = """<Response><Gather input="dtmf" numDigits="1" timeout="6" action="/twilio/voice?step=3" method="POST"><Say language="en-US">{Voice_AskRatingAgain:en}</Say></Gather><Redirect method="POST">/twilio/voice?step=3</Redirect></Response>""",
            Patients = [English],
        },
        new("No key twice at the rating says goodbye and hangs up", Call(3))
        {
            Given = Pressed("1", null),
            TwiML = """<Response><Say language="en-US">{Voice_TooManyMisses:en}</Say><Hangup /></Response>""",
            Patients = [English],
        },
        new("A retried keypress gets the same answer and the rating is stored once", Press(2, "2"))
        {
            Given = Pressed("1"),
            SentTwice = true,
            TwiML = """<Response><Say language="en-US">{Voice_AskComment:en}</Say><Record action="/twilio/voice?step=3" method="POST" maxLength="120" finishOnKey="#*" playBeep="true" recordingStatusCallback="/twilio/voice/recording" recordingStatusCallbackMethod="POST" /><Redirect method="POST">/twilio/voice?step=3</Redirect></Response>""",
            Patients = [English],
            Feedback = [new(2, null, "en", "voice")],
        },
        new("A recorded comment ended with # is linked to the rating and the call ends with thanks",
            Call(3, ("RecordingUrl", RecordingUrl), ("RecordingSid", RecordingSid), ("RecordingDuration", "7"), ("Digits", "#")))
        {
            Given = Pressed("1", "4"),
            TwiML = """<Response><Say language="en-US">{Voice_Thanks:en}</Say><Hangup /></Response>""",
            Patients = [English],
            Feedback = [new(4, null, "en", "voice", RecordingSid)],
            Recordings = [new(RecordingSid, "audio/wav", "call")],
        },
        new("Star after the beep skips the spoken comment and hangs up",
            Call(3, ("RecordingUrl", RecordingUrl), ("RecordingSid", RecordingSid), ("RecordingDuration", "0"), ("Digits", "*")))
        {
            Given = Pressed("1", "5"),
            TwiML = """<Response><Say language="en-US">{Voice_Thanks:en}</Say><Hangup /></Response>""",
            Patients = [English],
            Feedback = [new(5, null, "en", "voice")],
        },

        // Refusals: nothing is stored.
        new("A call with a forged signature gets 403 and stores nothing", Call(0) with { Signature = Signature.Literal("forged") })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },
        new("A call without From gets 400 and stores nothing", Call(0) with { Body = Call(0).Body.Without("From") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "CallSid and From are required (CallSid a Twilio call SID: CA and 32 hex digits).",
        },
        new("A call without CallSid gets 400 and stores nothing", Call(0) with { Body = Call(0).Body.Without("CallSid") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "CallSid and From are required (CallSid a Twilio call SID: CA and 32 hex digits).",
        },
        new("A call with From twice gets 400 and stores nothing", Call(0) with { Body = Call(0).Body + "&From=%2B237677000002" })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "From must be given once.",
        },
        new("A keypress with Digits twice gets 400 and stores nothing", Press(1, "1") with { Body = Press(1, "1").Body + "&Digits=2" })
        {
            Given = Pressed(),
            Status = HttpStatusCode.BadRequest,
            Problem = "Digits must be given once.",
            Patients = [new(Caller, null)],
        },
        new("A CallSid that is not Twilio's format gets 400 and stores nothing", Call(0) with { Body = Call(0).Body.With(("CallSid", "CAreminder00000000000000000000001")) })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "CallSid and From are required (CallSid a Twilio call SID: CA and 32 hex digits).",
        },
        new("A recorded comment whose RecordingSid is a path gets 400 and stores no recording",
            Call(3, ("RecordingUrl", RecordingUrl), ("RecordingSid", "../Messages/SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"), ("RecordingDuration", "7"), ("Digits", "#")))
        {
            Given = Pressed("1", "4"),
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingSid must be a Twilio recording SID (RE and 32 hex digits) and RecordingUrl an https URL on the Twilio API host (Twilio:ApiBaseUrl).",
            Patients = [English],
            Feedback = [new(4, null, "en", "voice")],
        },
        new("A recorded comment at a URL on another host gets 400 and stores no recording",
            Call(3, ("RecordingUrl", "https://127.0.0.1/" + RecordingSid), ("RecordingSid", RecordingSid), ("RecordingDuration", "7"), ("Digits", "#")))
        {
            Given = Pressed("1", "4"),
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingSid must be a Twilio recording SID (RE and 32 hex digits) and RecordingUrl an https URL on the Twilio API host (Twilio:ApiBaseUrl).",
            Patients = [English],
            Feedback = [new(4, null, "en", "voice")],
        },
        new("A step past 100 gets 400 and stores nothing", Press(101, "1"))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "CallSid and From are required (CallSid a Twilio call SID: CA and 32 hex digits).",
        },
        new("A call posted as JSON gets 415 and stores nothing", new WebhookRequest(Path, "{\"CallSid\":\"CA1\"}") { ContentType = "application/json" })
        {
            Status = HttpStatusCode.UnsupportedMediaType,
            Problem = "Expected a form POST from Twilio.",
        },
    ];

    public static TheoryData<string> Rows => LabelsOf(Table);

    [Theory]
    [MemberData(nameof(Rows))]
    public Task A_call_request_is_answered_and_stored_as_its_row_says(string row) => RunAsync(Table, row);
}
