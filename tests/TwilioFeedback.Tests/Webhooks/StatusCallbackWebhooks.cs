using System.Net;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.WebhookTables;

/// <summary>
/// Twilio's status callbacks for calls, messages and recordings: each kept once, however often it
/// arrives. (What they do to a reminder is the reminders' own tables' business.)
/// </summary>
public sealed class StatusCallbackWebhooks(AppFactory factory) : WebhookTable<AppFactory>(factory)
{
    private const string CallSid = "CA3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c";
    private const string MessageSid = "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d";
    private const string RecordingSid = "RE3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c";

    /// <summary>A call status callback exactly as Twilio posts it (fields in name order).</summary>
    private const string CallCompleted =
        "AccountSid=AC00000000000000000000000000000001&ApiVersion=2010-04-01&CallDuration=42" +
        "&CallSid=CA3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c&CallStatus=completed&Called=%2B237233000000&Caller=%2B237677000001" +
        "&CallbackSource=call-progress-events&Direction=inbound&Duration=1&From=%2B237677000001&SequenceNumber=0" +
        "&Timestamp=Tue%2C+24+Nov+2026+09%3A00%3A42+%2B0000&To=%2B237233000000";

    /// <summary>A message status callback exactly as Twilio posts it.</summary>
    private const string MessageDelivered =
        "SmsSid=SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d&SmsStatus=delivered&MessageStatus=delivered&To=%2B237690000001" +
        "&MessageSid=SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d&AccountSid=AC00000000000000000000000000000001&From=%2B237233000000&ApiVersion=2010-04-01";

    /// <summary>A recordingStatusCallback exactly as Twilio posts it.</summary>
    private const string RecordingCompleted =
        "AccountSid=AC00000000000000000000000000000001&CallSid=CA3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c&RecordingSid=RE3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c" +
        "&RecordingUrl=https%3A%2F%2Fapi.twilio.com%2F2010-04-01%2FAccounts%2FAC00000000000000000000000000000001%2FRecordings%2FRE3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c" +
        "&RecordingStatus=completed&RecordingDuration=4&RecordingChannels=1&RecordingStartTime=Tue%2C+24+Nov+2026+09%3A00%3A30+%2B0000" +
        "&RecordingSource=RecordVerb&RecordingTrack=both";

    private static WebhookRequest Call(params (string Name, string Value)[] fields) => new("/twilio/status/call", CallCompleted.With(fields));

    private static WebhookRequest Message(params (string Name, string Value)[] fields) => new("/twilio/status/message", MessageDelivered.With(fields));

    private static WebhookRequest Recording(params (string Name, string Value)[] fields) => new("/twilio/voice/recording", RecordingCompleted.With(fields));

    public static IReadOnlyList<WebhookCase> Table { get; } =
    [
        // Calls.
        new("A completed call is recorded once however often Twilio says so", Call())
        {
            SentTwice = true,
            TwiML = "<Response />",
            Events = [new("call", CallSid, "completed")],
        },
        new("Busy after ringing is recorded beside it", Call(("CallStatus", "busy"), ("CallDuration", "0")))
        {
            Given = [Call(("CallStatus", "ringing"))],
            TwiML = "<Response />",
            Events = [new("call", CallSid, "ringing"), new("call", CallSid, "busy")],
        },
        new("A forged call status callback gets 403 and records nothing", Call(("CallStatus", "failed")) with { Signature = Signature.Literal("forged") })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },
        new("A call status callback without CallStatus gets 400 and records nothing", Call() with { Body = CallCompleted.Without("CallStatus") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "CallSid (CA and 32 hex digits) and CallStatus are required.",
        },

        new("A call status callback with CallSid twice gets 400 and records nothing", Call() with { Body = CallCompleted + "&CallSid=CA00000000000000000000000000000001" })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "CallSid must be given once.",
        },

        // Messages.
        new("A delivered message is recorded once however often Twilio says so", Message())
        {
            SentTwice = true,
            TwiML = "<Response />",
            Events = [new("message", MessageSid, "delivered")],
        },
        new("An undelivered message keeps its error code", Message(("SmsStatus", "undelivered"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")))
        {
            TwiML = "<Response />",
            Events = [new("message", MessageSid, "undelivered", "30003")],
        },
        new("An unsigned message status callback gets 403 and records nothing", Message() with { Signature = Signature.None })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },
        new("A message status callback without MessageStatus gets 400 and records nothing", Message() with { Body = MessageDelivered.Without("MessageStatus") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "MessageSid (SM or MM and 32 hex digits) and MessageStatus are required.",
        },
        new("A message status callback with MessageStatus twice gets 400 and records nothing", Message() with { Body = MessageDelivered + "&MessageStatus=failed" })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "MessageStatus must be given once.",
        },
        new("A message status callback for a SID that is not a message's gets 400 and records nothing", Message(("MessageSid", CallSid)))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "MessageSid (SM or MM and 32 hex digits) and MessageStatus are required.",
        },
        new("A message status callback as JSON gets 415 and records nothing", new WebhookRequest("/twilio/status/message", "{\"MessageStatus\":\"delivered\"}") { ContentType = "application/json" })
        {
            Status = HttpStatusCode.UnsupportedMediaType,
            Problem = "Expected a form POST from Twilio.",
        },

        // Recordings.
        new("A completed recording is recorded once however often Twilio says so, and waits to be fetched", Recording())
        {
            SentTwice = true,
            TwiML = "<Response />",
            Events = [new("recording", RecordingSid, "completed")],
            Recordings = [new(RecordingSid, "audio/wav", "call")],
        },
        new("A failed recording is recorded with its error code", Recording(("RecordingStatus", "failed"), ("ErrorCode", "13617")))
        {
            TwiML = "<Response />",
            Events = [new("recording", RecordingSid, "failed", "13617")],
        },
        new("A completed recording whose URL is not http(s) gets 400 and records nothing", Recording(("RecordingUrl", "file:///etc/passwd")))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingUrl must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).",
        },
        new("A completed recording on another host than Twilio's API gets 400 and records nothing", Recording(("RecordingUrl", "https://127.0.0.1/2010-04-01/Accounts/AC00000000000000000000000000000001/Recordings/" + RecordingSid)))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingUrl must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).",
        },
        new("A completed recording over http on Twilio's host gets 400 and records nothing", Recording(("RecordingUrl", "http://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Recordings/" + RecordingSid)))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingUrl must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).",
        },
        new("A recording callback whose RecordingSid is a path gets 400 and records nothing", Recording(("RecordingSid", "../Messages/" + MessageSid)))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingSid (RE and 32 hex digits) and RecordingStatus are required; CallSid, when given, is CA and 32 hex digits.",
        },
        new("A recording callback with RecordingStatus twice gets 400 and records nothing", Recording() with { Body = RecordingCompleted + "&RecordingStatus=failed" })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingStatus must be given once.",
        },
        new("A recording callback without RecordingSid gets 400 and records nothing", Recording() with { Body = RecordingCompleted.Without("RecordingSid") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "RecordingSid (RE and 32 hex digits) and RecordingStatus are required; CallSid, when given, is CA and 32 hex digits.",
        },
        new("A recording callback signed with another auth token gets 403 and records nothing", Recording() with { Signature = Signature.WithToken("not-the-token") })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },
    ];

    public static TheoryData<string> Rows => LabelsOf(Table);

    [Theory]
    [MemberData(nameof(Rows))]
    public Task A_status_callback_is_answered_and_recorded_as_its_row_says(string row) => RunAsync(Table, row);
}
