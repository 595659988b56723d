using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>A TwiML document under construction; the one writer of TwiML in the server.</summary>
public abstract class TwiML
{
    protected XElement Root { get; } = new("Response");

    /// <summary>Well-formed UTF-8 XML; characters XML cannot carry are dropped.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(new Utf8StringWriter(builder), new XmlWriterSettings { Indent = false, Encoding = Encoding.UTF8 }))
        {
            new XDocument(new XDeclaration("1.0", "utf-8", null), Root).Save(writer);
        }
        return builder.ToString();
    }

    protected static string XmlSafe(string text) =>
        text.All(XmlConvert.IsXmlChar) ? text : string.Concat(text.Where(XmlConvert.IsXmlChar));

    private sealed class Utf8StringWriter(StringBuilder builder) : StringWriter(builder)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}

/// <summary>TwiML for SMS and WhatsApp: zero or more <c>&lt;Message&gt;</c>.</summary>
public sealed class MessagingResponse : TwiML
{
    public MessagingResponse Message(string body)
    {
        Root.Add(new XElement("Message", XmlSafe(body)));
        return this;
    }
}

/// <summary>TwiML for calls: Say, Play, Gather, Record, Redirect, Pause, Hangup.</summary>
public sealed class VoiceResponse : TwiML
{
    private XElement _target;

    public VoiceResponse() => _target = Root;

    public VoiceResponse Say(string text, string language, string? voice = null)
    {
        var say = new XElement("Say", new XAttribute("language", language), XmlSafe(text));
        if (!string.IsNullOrEmpty(voice))
        {
            say.Add(new XAttribute("voice", voice));
        }
        _target.Add(say);
        return this;
    }

    public VoiceResponse Play(string url)
    {
        _target.Add(new XElement("Play", url));
        return this;
    }

    public VoiceResponse Pause(int seconds = 1)
    {
        _target.Add(new XElement("Pause", new XAttribute("length", seconds)));
        return this;
    }

    /// <summary>Keys pressed go to <paramref name="action"/>; the verbs added in <paramref name="prompts"/> are heard meanwhile.</summary>
    public VoiceResponse Gather(string action, int numDigits, int timeoutSeconds, Action<VoiceResponse> prompts)
    {
        var gather = new XElement("Gather",
            new XAttribute("input", "dtmf"),
            new XAttribute("numDigits", numDigits),
            new XAttribute("timeout", timeoutSeconds),
            new XAttribute("action", action),
            new XAttribute("method", "POST"));
        Root.Add(gather);
        _target = gather;
        prompts(this);
        _target = Root;
        return this;
    }

    public VoiceResponse Record(string action, string recordingStatusCallback, int maxLengthSeconds, string finishOnKey)
    {
        _target.Add(new XElement("Record",
            new XAttribute("action", action),
            new XAttribute("method", "POST"),
            new XAttribute("maxLength", maxLengthSeconds),
            new XAttribute("finishOnKey", finishOnKey),
            new XAttribute("playBeep", "true"),
            new XAttribute("recordingStatusCallback", recordingStatusCallback),
            new XAttribute("recordingStatusCallbackMethod", "POST")));
        return this;
    }

    public VoiceResponse Redirect(string url)
    {
        _target.Add(new XElement("Redirect", new XAttribute("method", "POST"), url));
        return this;
    }

    public VoiceResponse Hangup()
    {
        _target.Add(new XElement("Hangup"));
        return this;
    }
}

/// <summary>Writes TwiML with <c>Content-Type: text/xml; charset=utf-8</c>.</summary>
public sealed class TwiMLResult(TwiML response) : IResult, IContentTypeHttpResult, IStatusCodeHttpResult
{
    public string ContentType => "text/xml; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public string Document { get; } = response.ToString();

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        return httpContext.Response.WriteAsync(Document, Encoding.UTF8);
    }
}
