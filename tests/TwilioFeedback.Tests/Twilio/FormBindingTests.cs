using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Ussd;

namespace TwilioFeedback.Tests.Twilio;

/// <summary>
/// The binders, courier-style: raw form bodies as Twilio (or the USSD gateway) sends them, and the
/// record bound from each, or the ProblemDetails it is refused with.
/// </summary>
public sealed class FormBindingTests
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Sid = "SM0123456789abcdef0123456789abcdef";
    private const string CallSid = "CA0123456789abcdef0123456789abcdef";
    private const string RecordingSid = "RE0123456789abcdef0123456789abcdef";
    private const string RecordingUrl = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Recordings/" + RecordingSid;
    private const string Sms = $"ToCountry=CM&SmsMessageSid={Sid}&NumMedia=0&SmsSid={Sid}&SmsStatus=received&Body=Hello+there&FromCountry=CM&To=%2B237233000000&NumSegments=1&MessageSid={Sid}&AccountSid=AC00000000000000000000000000000001&From=%2B237690000001&ApiVersion=2010-04-01";
    private const string Call = $"AccountSid=AC00000000000000000000000000000001&ApiVersion=2010-04-01&CallSid={CallSid}&CallStatus=ringing&Called=%2B237233000000&Caller=%2B237690000001&Direction=inbound&From=%2B237690000001&To=%2B237233000000";
    private const string NotATwilioForm = "Expected a form POST from Twilio.";
    private const string MessageRequired = "From and MessageSid are required (From up to 32 characters, MessageSid up to 64).";

    /// <summary>label, binder, content type, body, expected status (200: bound), the problem's title or the bound fields ("Name=value;…").</summary>
    public static TheoryData<string, string, string?, string, int, string> Rows => new()
    {
        { "an SMS", "message", Form, Sms, 200, "IsWhatsApp=False;From=+237690000001;To=+237233000000;Body=Hello there;MessageSid=" + Sid + ";NumMedia=0;MediaUrl0=" },
        { "a WhatsApp voice note", "message", Form,
            $"SmsMessageSid={Sid}&NumMedia=1&SmsSid={Sid}&Body=&To=whatsapp%3A%2B237233000000&MediaContentType0=audio%2Fogg&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fmedia%2FME1&MessageSid={Sid}&From=whatsapp%3A%2B237690000001",
            200, "IsWhatsApp=True;From=+237690000001;To=+237233000000;Body=;NumMedia=1;MediaContentType0=audio/ogg;MediaUrl0=https://api.twilio.com/media/ME1" },
        { "an upper-case WhatsApp prefix", "message", Form, $"MessageSid={Sid}&From=WhatsApp%3A%2B237690000001&Body=5", 200, "IsWhatsApp=True;From=+237690000001" },
        { "SmsSid alone (older accounts)", "message", Form, $"SmsSid={Sid}&From=%2B237690000001&Body=5", 200, "MessageSid=" + Sid },
        { "a repeated Body keeps both values", "message", Form, $"MessageSid={Sid}&From=%2B237690000001&Body=4&Body=5", 200, "Body=4,5" },
        { "an unparsable NumMedia is none", "message", Form, $"MessageSid={Sid}&From=%2B237690000001&NumMedia=lots", 200, "NumMedia=0" },
        { "a message without From", "message", Form, $"MessageSid={Sid}&Body=5", 400, MessageRequired },
        { "a WhatsApp prefix and no number", "message", Form, $"MessageSid={Sid}&From=whatsapp%3A&Body=5", 400, MessageRequired },
        { "a From of 33 characters", "message", Form, $"MessageSid={Sid}&From=%2B{new string('2', 32)}", 400, MessageRequired },
        { "a message without MessageSid or SmsSid", "message", Form, "From=%2B237690000001&Body=5", 400, MessageRequired },
        { "a MessageSid of 65 characters", "message", Form, $"MessageSid={new string('S', 65)}&From=%2B237690000001", 400, MessageRequired },
        { "JSON on the messaging webhook", "message", "application/json", "{\"Body\":\"5\"}", 415, NotATwilioForm },
        { "no content type on the messaging webhook", "message", null, Sms, 415, NotATwilioForm },
        { "a multipart SMS", "message", "multipart/form-data; boundary=b",
            $"--b\r\nContent-Disposition: form-data; name=\"MessageSid\"\r\n\r\n{Sid}\r\n--b\r\nContent-Disposition: form-data; name=\"From\"\r\n\r\n+237690000001\r\n--b--\r\n",
            200, "From=+237690000001;MessageSid=" + Sid },

        { "a call coming in", "call", Form, Call, 200, $"CallSid={CallSid};From=+237690000001;To=+237233000000;CallStatus=ringing;Digits=;RecordingSid=;RecordingDuration=" },
        { "a key pressed after Gather", "call", Form, Call + "&Digits=4", 200, "Digits=4" },
        { "a comment recorded", "call", Form, Call + $"&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}&RecordingSid={RecordingSid}&RecordingDuration=7&Digits=hangup", 200,
            $"RecordingSid={RecordingSid};RecordingUrl={RecordingUrl};RecordingDuration=7;Digits=hangup" },
        { "an unparsable RecordingDuration", "call", Form, Call + "&RecordingDuration=seven", 200, "RecordingDuration=" },
        { "a call without CallSid", "call", Form, "From=%2B237690000001&To=%2B237233000000", 400, "CallSid and From are required." },
        { "a call without From", "call", Form, $"CallSid={CallSid}", 400, "CallSid and From are required." },
        { "a CallSid of 41 characters", "call", Form, $"CallSid={new string('C', 41)}&From=%2B237690000001", 400, "CallSid and From are required." },
        { "JSON on the voice webhook", "call", "application/json", "{}", 415, NotATwilioForm },

        { "a recording completed", "recording", Form, $"AccountSid=AC1&CallSid={CallSid}&RecordingSid={RecordingSid}&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}&RecordingStatus=completed&RecordingDuration=7&RecordingChannels=1&RecordingSource=RecordVerb", 200,
            $"RecordingSid={RecordingSid};RecordingStatus=completed;RecordingUrl={RecordingUrl};CallSid={CallSid};ErrorCode=" },
        { "a recording failed, without a URL", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=failed&ErrorCode=13617", 200, "RecordingStatus=failed;ErrorCode=13617" },
        { "a recording completed at a non-http URL", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=completed&RecordingUrl=file%3A%2F%2F%2Fetc%2Fpasswd", 400, "RecordingUrl must be an http(s) URL of at most 512 characters." },
        { "a recording completed without a URL", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=completed", 400, "RecordingUrl must be an http(s) URL of at most 512 characters." },
        { "a recording without a status", "recording", Form, $"RecordingSid={RecordingSid}", 400, "RecordingSid (up to 64 characters) and RecordingStatus are required." },
        { "a RecordingSid of 65 characters", "recording", Form, $"RecordingSid={new string('R', 65)}&RecordingStatus=absent", 400, "RecordingSid (up to 64 characters) and RecordingStatus are required." },
        { "a recording callback in JSON", "recording", "application/json", "{}", 415, NotATwilioForm },

        { "a message delivered", "message-status", Form, $"SmsSid={Sid}&SmsStatus=delivered&MessageStatus=delivered&To=%2B237690000001&MessageSid={Sid}&AccountSid=AC1&From=%2B237233000000&ApiVersion=2010-04-01", 200,
            $"MessageSid={Sid};MessageStatus=delivered;ErrorCode=" },
        { "a message undelivered", "message-status", Form, $"MessageSid={Sid}&MessageStatus=undelivered&ErrorCode=30003", 200, "MessageStatus=undelivered;ErrorCode=30003" },
        { "a message status without a status", "message-status", Form, $"MessageSid={Sid}", 400, "MessageSid and MessageStatus are required." },
        { "a message status without a sid", "message-status", Form, "MessageStatus=sent", 400, "MessageSid and MessageStatus are required." },
        { "a message status in JSON", "message-status", "application/json", "{}", 415, NotATwilioForm },

        { "a call completed", "call-status", Form, $"CallSid={CallSid}&CallStatus=completed&CallDuration=42&Direction=outbound-api&To=%2B237690000001", 200, $"CallSid={CallSid};CallStatus=completed;ErrorCode=" },
        { "a call busy", "call-status", Form, $"CallSid={CallSid}&CallStatus=busy", 200, "CallStatus=busy" },
        { "a call status without a sid", "call-status", Form, "CallStatus=completed", 400, "CallSid and CallStatus are required." },
        { "a call status in JSON", "call-status", "application/json", "{}", 415, NotATwilioForm },

        { "a USSD dial", "ussd", Form, "sessionId=ATUid_0123456789abcdef&serviceCode=%2A384%2A1234%23&phoneNumber=%2B237690000001&networkCode=62401&text=", 200,
            "SessionId=ATUid_0123456789abcdef;ServiceCode=*384*1234#;PhoneNumber=+237690000001;Text=" },
        { "a USSD answer", "ussd", Form, "sessionId=ATUid_0123456789abcdef&serviceCode=%2A384%2A1234%23&phoneNumber=%2B237690000001&text=1%2A4", 200, "Text=1*4" },
        { "a USSD request without a phone", "ussd", Form, "sessionId=ATUid_0123456789abcdef&text=", 400, "sessionId (up to 48 characters) and phoneNumber are required." },
        { "a USSD sessionId of 49 characters", "ussd", Form, $"sessionId={new string('s', 49)}&phoneNumber=%2B237690000001", 400, "sessionId (up to 48 characters) and phoneNumber are required." },
        { "USSD in JSON", "ussd", "application/json", "{}", 415, "Expected a form POST." },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_raw_form_is_bound_or_refused(string label, string binder, string? contentType, string body, int status, string expected)
    {
        var (record, problem) = await BindAsync(binder, Request(contentType, new MemoryStream(Encoding.UTF8.GetBytes(body))));
        Assert.Equal(status, problem?.StatusCode ?? 200);
        if (problem is not null)
        {
            Assert.Equal(expected, problem.ProblemDetails.Title);
            return;
        }
        foreach (var field in expected.Split(';'))
        {
            var (name, value) = (field[..field.IndexOf('=')], field[(field.IndexOf('=') + 1)..]);
            var property = record.GetType().GetProperty(name) ?? throw new InvalidOperationException($"{label}: no field {name}");
            Assert.True(value == (property.GetValue(record)?.ToString() ?? ""), $"{label}: {name} is '{property.GetValue(record)}', expected '{value}'");
        }
    }

    [Fact]
    public async Task A_body_that_arrives_in_pieces_is_bound_as_one_that_arrived_at_once()
    {
        var (record, problem) = await BindAsync("message", Request(Form, new TricklingStream(Encoding.UTF8.GetBytes(Sms))));
        Assert.Null(problem);
        Assert.Equal(new IncomingMessage(false, "+237690000001", "+237233000000", "Hello there", Sid, 0, "", ""), record);
    }

    [Fact]
    public async Task The_form_is_read_once_and_kept_for_the_signature_filter()
    {
        var context = Request(Form, new MemoryStream(Encoding.UTF8.GetBytes(Call)));
        var step = await CallStep.BindAsync(context);
        Assert.Same(await context.Request.ReadFormAsync(), context.Request.Form);
        Assert.Equal(CallSid, context.Request.Form["CallSid"].ToString());
        Assert.Null(step.Problem);
    }

    private static DefaultHttpContext Request(string? contentType, Stream body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.Body = body;
        return context;
    }

    private static async Task<(object Record, ProblemHttpResult? Problem)> BindAsync(string binder, HttpContext context) => binder switch
    {
        "message" => await IncomingMessage.BindAsync(context) is var m ? (m, m.Problem) : default,
        "call" => await CallStep.BindAsync(context) is var c ? (c, c.Problem) : default,
        "recording" => await RecordingStatusCallback.BindAsync(context) is var r ? (r, r.Problem) : default,
        "message-status" => await MessageStatusCallback.BindAsync(context) is var s ? (s, s.Problem) : default,
        "call-status" => await CallStatusCallback.BindAsync(context) is var t ? (t, t.Problem) : default,
        "ussd" => await UssdRequest.BindAsync(context) is var u ? (u, u.Problem) : default,
        _ => throw new ArgumentOutOfRangeException(nameof(binder), binder, null),
    };

    /// <summary>A body that arrives a few bytes at a time, each read completing later: the binder's slow path.</summary>
    private sealed class TricklingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return await base.ReadAsync(buffer[..Math.Min(buffer.Length, 7)], cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
