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
