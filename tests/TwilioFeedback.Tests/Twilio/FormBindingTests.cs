using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Scheduling;
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
    private const string MediaUrl = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages/MM0123456789abcdef0123456789abcdef/Media/ME0123456789abcdef0123456789abcdef";
    private const string Sms = $"ToCountry=CM&SmsMessageSid={Sid}&NumMedia=0&SmsSid={Sid}&SmsStatus=received&Body=Hello+there&FromCountry=CM&To=%2B237233000000&NumSegments=1&MessageSid={Sid}&AccountSid=AC00000000000000000000000000000001&From=%2B237690000001&ApiVersion=2010-04-01";
    private const string Call = $"AccountSid=AC00000000000000000000000000000001&ApiVersion=2010-04-01&CallSid={CallSid}&CallStatus=ringing&Called=%2B237233000000&Caller=%2B237690000001&Direction=inbound&From=%2B237690000001&To=%2B237233000000";
    private const string NotATwilioForm = "Expected a form POST from Twilio.";
    private const string MessageRequired = "From and MessageSid are required (From up to 32 characters, MessageSid a Twilio message SID: SM or MM and 32 hex digits).";
    private const string NotAMediaUrl = "MediaUrl0 must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).";
    private const string CallRequired = "CallSid and From are required (CallSid a Twilio call SID: CA and 32 hex digits).";
    private const string NotARecording = "RecordingSid must be a Twilio recording SID (RE and 32 hex digits) and RecordingUrl an https URL on the Twilio API host (Twilio:ApiBaseUrl).";
    private const string RecordingRequired = "RecordingSid (RE and 32 hex digits) and RecordingStatus are required; CallSid, when given, is CA and 32 hex digits.";
    private const string NotARecordingUrl = "RecordingUrl must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).";
    private const string MessageStatusRequired = "MessageSid (SM or MM and 32 hex digits) and MessageStatus are required.";
    private const string CallStatusRequired = "CallSid (CA and 32 hex digits) and CallStatus are required.";
    private const string UssdRequired = "sessionId (up to 48 characters) and phoneNumber are required.";
    private const string Ussd = "sessionId=ATUid_0123456789abcdef&serviceCode=%2A384%2A1234%23&phoneNumber=%2B237690000001&networkCode=62401&text=";

    /// <summary>What the binders read from the request's services: Twilio:ApiBaseUrl, here Twilio's own.</summary>
    private static readonly IServiceProvider Services = new ServiceCollection().AddOptions<TwilioOptions>().Services.BuildServiceProvider();

    /// <summary>label, binder, content type, body, expected status (200: bound), the problem's title or the bound fields ("Name=value;…").</summary>
    public static TheoryData<string, string, string?, string, int, string> Rows => new()
    {
        { "an SMS", "message", Form, Sms, 200, "IsWhatsApp=False;From=+237690000001;To=+237233000000;Body=Hello there;MessageSid=" + Sid + ";NumMedia=0;MediaUrl0=" },
        { "a WhatsApp voice note", "message", Form,
            $"SmsMessageSid={Sid}&NumMedia=1&SmsSid={Sid}&Body=&To=whatsapp%3A%2B237233000000&MediaContentType0=audio%2Fogg&MediaUrl0={Uri.EscapeDataString(MediaUrl)}&MessageSid={Sid}&From=whatsapp%3A%2B237690000001",
            200, "IsWhatsApp=True;From=+237690000001;To=+237233000000;Body=;NumMedia=1;MediaContentType0=audio/ogg;MediaUrl0=" + MediaUrl },
        { "an MMS (MM…) with its media", "message", Form, $"MessageSid=MM0123456789abcdef0123456789abcdef&From=%2B237690000001&NumMedia=1&MediaUrl0={Uri.EscapeDataString(MediaUrl)}", 200, "MessageSid=MM0123456789abcdef0123456789abcdef;MediaUrl0=" + MediaUrl },
        { "a MessageSid in upper-case hex", "message", Form, "MessageSid=SM0123456789ABCDEF0123456789ABCDEF&From=%2B237690000001", 200, "MessageSid=SM0123456789ABCDEF0123456789ABCDEF" },
        { "an upper-case WhatsApp prefix", "message", Form, $"MessageSid={Sid}&From=WhatsApp%3A%2B237690000001&Body=5", 200, "IsWhatsApp=True;From=+237690000001" },
        { "SmsSid alone (older accounts)", "message", Form, $"SmsSid={Sid}&From=%2B237690000001&Body=5", 200, "MessageSid=" + Sid },
        { "From twice", "message", Form, Sms + "&From=%2B237690000002", 400, "From must be given once." },
        { "the same From twice", "message", Form, Sms + "&From=%2B237690000001", 400, "From must be given once." },
        { "MessageSid twice", "message", Form, Sms + "&MessageSid=SM00000000000000000000000000000001", 400, "MessageSid must be given once." },
        { "SmsSid twice, without MessageSid", "message", Form, $"SmsSid={Sid}&SmsSid={Sid}&From=%2B237690000001", 400, "SmsSid must be given once." },
        { "To twice", "message", Form, Sms + "&To=%2B237233000001", 400, "To must be given once." },
        { "Body twice", "message", Form, $"MessageSid={Sid}&From=%2B237690000001&Body=4&Body=5", 400, "Body must be given once." },
        { "NumMedia twice", "message", Form, Sms + "&NumMedia=1", 400, "NumMedia must be given once." },
        { "MediaUrl0 twice", "message", Form, Sms + $"&MediaUrl0={Uri.EscapeDataString(MediaUrl)}&MediaUrl0={Uri.EscapeDataString(MediaUrl)}", 400, "MediaUrl0 must be given once." },
        { "MediaContentType0 twice", "message", Form, Sms + "&MediaContentType0=audio%2Fogg&MediaContentType0=image%2Fjpeg", 400, "MediaContentType0 must be given once." },
        { "a field we do not read, twice, is no matter", "message", Form, Sms + "&FromCountry=CM", 200, "From=+237690000001" },
        { "a MessageSid that is not SM or MM", "message", Form, "MessageSid=CA0123456789abcdef0123456789abcdef&From=%2B237690000001", 400, MessageRequired },
        { "a MessageSid of 31 hex digits", "message", Form, "MessageSid=SM0123456789abcdef0123456789abcde&From=%2B237690000001", 400, MessageRequired },
        { "a MessageSid that is not hex", "message", Form, "MessageSid=SM0123456789abcdef0123456789abcdeg&From=%2B237690000001", 400, MessageRequired },
        { "a MessageSid that is a path", "message", Form, "MessageSid=..%2F..%2FCalls%2FCA0123456789abcdef0123456&From=%2B237690000001", 400, MessageRequired },
        { "media over http", "message", Form, Sms + "&MediaUrl0=" + Uri.EscapeDataString(MediaUrl.Replace("https:", "http:")), 400, NotAMediaUrl },
        { "media on another host", "message", Form, Sms + "&MediaUrl0=https%3A%2F%2Fevil.example%2F2010-04-01%2FAccounts", 400, NotAMediaUrl },
        { "media on a host that only starts like Twilio's", "message", Form, Sms + "&MediaUrl0=https%3A%2F%2Fapi.twilio.com.evil.example%2Fx", 400, NotAMediaUrl },
        { "media on Twilio's host on another port", "message", Form, Sms + "&MediaUrl0=https%3A%2F%2Fapi.twilio.com%3A8443%2Fx", 400, NotAMediaUrl },
        { "media with credentials in the URL", "message", Form, Sms + "&MediaUrl0=https%3A%2F%2Fu%3Ap%40api.twilio.com%2Fx", 400, NotAMediaUrl },
        { "media at 127.0.0.1", "message", Form, Sms + "&MediaUrl0=http%3A%2F%2F127.0.0.1%2Fx", 400, NotAMediaUrl },
        { "media that is not a URL", "message", Form, Sms + "&MediaUrl0=%2Fetc%2Fpasswd", 400, NotAMediaUrl },
        { "an unparsable NumMedia is none", "message", Form, $"MessageSid={Sid}&From=%2B237690000001&NumMedia=lots", 200, "NumMedia=0" },
        { "a message without From", "message", Form, $"MessageSid={Sid}&Body=5", 400, MessageRequired },
        { "a WhatsApp prefix and no number", "message", Form, $"MessageSid={Sid}&From=whatsapp%3A&Body=5", 400, MessageRequired },
        { "a From of 33 characters", "message", Form, $"MessageSid={Sid}&From=%2B{new string('2', 32)}", 400, MessageRequired },
        { "a message without MessageSid or SmsSid", "message", Form, "From=%2B237690000001&Body=5", 400, MessageRequired },
        { "a MessageSid of 65 characters", "message", Form, $"MessageSid=SM{new string('a', 63)}&From=%2B237690000001", 400, MessageRequired },
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
        { "a call without CallSid", "call", Form, "From=%2B237690000001&To=%2B237233000000", 400, CallRequired },
        { "a call without From", "call", Form, $"CallSid={CallSid}", 400, CallRequired },
        { "a CallSid of 41 characters", "call", Form, $"CallSid=CA{new string('0', 39)}&From=%2B237690000001", 400, CallRequired },
        { "a CallSid that is not CA", "call", Form, $"CallSid={Sid}&From=%2B237690000001", 400, CallRequired },
        { "a CallSid that is not hex", "call", Form, "CallSid=CAreminder00000000000000000000001&From=%2B237690000001", 400, CallRequired },
        { "CallSid twice", "call", Form, Call + "&CallSid=CA00000000000000000000000000000001", 400, "CallSid must be given once." },
        { "From twice on a call", "call", Form, Call + "&From=%2B237690000002", 400, "From must be given once." },
        { "Digits twice", "call", Form, Call + "&Digits=1&Digits=2", 400, "Digits must be given once." },
        { "RecordingUrl twice", "call", Form, Call + $"&RecordingSid={RecordingSid}&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}", 400, "RecordingUrl must be given once." },
        { "a RecordingSid that is a path", "call", Form, Call + $"&RecordingSid=..%2FMessages%2F{Sid}&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}&RecordingDuration=7", 400, NotARecording },
        { "a RecordingSid that is a call's", "call", Form, Call + $"&RecordingSid={CallSid}&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}&RecordingDuration=7", 400, NotARecording },
        { "a recording at an http URL", "call", Form, Call + $"&RecordingSid={RecordingSid}&RecordingUrl={Uri.EscapeDataString(RecordingUrl.Replace("https:", "http:"))}&RecordingDuration=7", 400, NotARecording },
        { "a recording on another host", "call", Form, Call + $"&RecordingSid={RecordingSid}&RecordingUrl=https%3A%2F%2F127.0.0.1%2Frec&RecordingDuration=7", 400, NotARecording },
        { "JSON on the voice webhook", "call", "application/json", "{}", 415, NotATwilioForm },
        { "a call in upper-case hex", "call", Form, "CallSid=CA0123456789ABCDEF0123456789ABCDEF&From=%2B237690000001", 200, "CallSid=CA0123456789ABCDEF0123456789ABCDEF" },

        { "a recording completed", "recording", Form, $"AccountSid=AC1&CallSid={CallSid}&RecordingSid={RecordingSid}&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}&RecordingStatus=completed&RecordingDuration=7&RecordingChannels=1&RecordingSource=RecordVerb", 200,
            $"RecordingSid={RecordingSid};RecordingStatus=completed;RecordingUrl={RecordingUrl};CallSid={CallSid};ErrorCode=" },
        { "a recording failed, without a URL", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=failed&ErrorCode=13617", 200, "RecordingStatus=failed;ErrorCode=13617" },
        { "a recording completed at a non-http URL", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=completed&RecordingUrl=file%3A%2F%2F%2Fetc%2Fpasswd", 400, NotARecordingUrl },
        { "a recording completed without a URL", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=completed", 400, NotARecordingUrl },
        { "a recording completed at an http URL on Twilio's host", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=completed&RecordingUrl={Uri.EscapeDataString(RecordingUrl.Replace("https:", "http:"))}", 400, NotARecordingUrl },
        { "a recording completed on another host", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=completed&RecordingUrl=https%3A%2F%2Fevil.example%2F{RecordingSid}", 400, NotARecordingUrl },
        { "a recording failed at a URL on another host", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=failed&RecordingUrl=https%3A%2F%2Fevil.example%2F{RecordingSid}", 400, NotARecordingUrl },
        { "a recording without a status", "recording", Form, $"RecordingSid={RecordingSid}", 400, RecordingRequired },
        { "a RecordingSid of 65 characters", "recording", Form, $"RecordingSid=RE{new string('0', 63)}&RecordingStatus=absent", 400, RecordingRequired },
        { "a RecordingSid that is a path", "recording", Form, $"RecordingSid=..%2FMessages%2F{Sid}&RecordingStatus=completed&RecordingUrl={Uri.EscapeDataString(RecordingUrl)}", 400, RecordingRequired },
        { "a recording of a CallSid that is not CA", "recording", Form, $"RecordingSid={RecordingSid}&CallSid={Sid}&RecordingStatus=absent", 400, RecordingRequired },
        { "RecordingSid twice", "recording", Form, $"RecordingSid={RecordingSid}&RecordingSid=RE00000000000000000000000000000001&RecordingStatus=absent", 400, "RecordingSid must be given once." },
        { "RecordingStatus twice", "recording", Form, $"RecordingSid={RecordingSid}&RecordingStatus=absent&RecordingStatus=completed", 400, "RecordingStatus must be given once." },
        { "a recording callback in JSON", "recording", "application/json", "{}", 415, NotATwilioForm },

        { "a message delivered", "message-status", Form, $"SmsSid={Sid}&SmsStatus=delivered&MessageStatus=delivered&To=%2B237690000001&MessageSid={Sid}&AccountSid=AC1&From=%2B237233000000&ApiVersion=2010-04-01", 200,
            $"MessageSid={Sid};MessageStatus=delivered;ErrorCode=" },
        { "a message undelivered", "message-status", Form, $"MessageSid={Sid}&MessageStatus=undelivered&ErrorCode=30003", 200, "MessageStatus=undelivered;ErrorCode=30003" },
        { "a message status without a status", "message-status", Form, $"MessageSid={Sid}", 400, MessageStatusRequired },
        { "a message status without a sid", "message-status", Form, "MessageStatus=sent", 400, MessageStatusRequired },
        { "a message status of a sid that is not SM or MM", "message-status", Form, $"MessageSid={CallSid}&MessageStatus=sent", 400, MessageStatusRequired },
        { "MessageStatus twice", "message-status", Form, $"MessageSid={Sid}&MessageStatus=failed&MessageStatus=delivered", 400, "MessageStatus must be given once." },
        { "ErrorCode twice", "message-status", Form, $"MessageSid={Sid}&MessageStatus=failed&ErrorCode=30003&ErrorCode=30005", 400, "ErrorCode must be given once." },
        { "a message status in JSON", "message-status", "application/json", "{}", 415, NotATwilioForm },

        { "a call completed", "call-status", Form, $"CallSid={CallSid}&CallStatus=completed&CallDuration=42&Direction=outbound-api&To=%2B237690000001", 200, $"CallSid={CallSid};CallStatus=completed;ErrorCode=" },
        { "a call busy", "call-status", Form, $"CallSid={CallSid}&CallStatus=busy", 200, "CallStatus=busy" },
        { "a call status without a sid", "call-status", Form, "CallStatus=completed", 400, CallStatusRequired },
        { "a call status of a sid that is not CA", "call-status", Form, $"CallSid={RecordingSid}&CallStatus=completed", 400, CallStatusRequired },
        { "CallStatus twice", "call-status", Form, $"CallSid={CallSid}&CallStatus=busy&CallStatus=completed", 400, "CallStatus must be given once." },
        { "a call status in JSON", "call-status", "application/json", "{}", 415, NotATwilioForm },

        { "a USSD dial", "ussd", Form, Ussd, 200,
            "SessionId=ATUid_0123456789abcdef;ServiceCode=*384*1234#;PhoneNumber=+237690000001;Text=" },
        { "a USSD answer", "ussd", Form, "sessionId=ATUid_0123456789abcdef&serviceCode=%2A384%2A1234%23&phoneNumber=%2B237690000001&text=1%2A4", 200, "Text=1*4" },
        { "a USSD request without a phone", "ussd", Form, "sessionId=ATUid_0123456789abcdef&text=", 400, UssdRequired },
        { "a USSD sessionId of 49 characters", "ussd", Form, $"sessionId={new string('s', 49)}&phoneNumber=%2B237690000001", 400, UssdRequired },
        { "phoneNumber twice", "ussd", Form, Ussd + "&phoneNumber=%2B237690000002", 400, "phoneNumber must be given once." },
        { "sessionId twice", "ussd", Form, Ussd + "&sessionId=ATUid_other", 400, "sessionId must be given once." },
        { "text twice", "ussd", Form, Ussd + "1&text=1%2A4", 400, "text must be given once." },
        { "serviceCode twice", "ussd", Form, Ussd + "&serviceCode=%2A1%23", 400, "serviceCode must be given once." },
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
        var context = new DefaultHttpContext { RequestServices = Services };
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
