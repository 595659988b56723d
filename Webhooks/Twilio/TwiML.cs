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
