using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>A TwiML document under construction; the one writer of TwiML in the server.</summary>
public abstract class TwiML
{
    protected XElement Root { get; } = new("Response");

    /// <summary>
    /// Well-formed UTF-8 XML; characters XML cannot carry are dropped. Written straight into one string,
    /// byte for byte as <see cref="XmlWriter"/> writes the tree (escapes, <c>&lt;X /&gt;</c>, newlines), without its
    /// writer, encoder and buffers (kilobytes for every answer).
    /// </summary>
    public override string ToString()
    {
        var xml = new StringBuilder(256).Append("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        Write(xml, Root);
        return xml.ToString();
    }

    private static void Write(StringBuilder xml, XElement element)
    {
        var name = element.Name.LocalName;
        xml.Append('<').Append(name);
        foreach (var attribute in element.Attributes())
        {
            xml.Append(' ').Append(attribute.Name.LocalName).Append("=\"");
            Escape(xml, attribute.Value, inAttribute: true);
            xml.Append('"');
        }
        if (element.IsEmpty)
        {
            xml.Append(" />");
            return;
        }
        xml.Append('>');
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XElement child:
                    Write(xml, child);
                    break;
                case XText text:
                    Escape(xml, text.Value, inAttribute: false);
                    break;
            }
        }
        xml.Append("</").Append(name).Append('>');
    }

    // As XmlWriter's defaults: & < > always; in attributes " and the white space that would be normalised
    // away; in text a line break of any kind becomes \n (NewLineHandling.Replace on Linux).
    private static void Escape(StringBuilder xml, string value, bool inAttribute)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '&': xml.Append("&amp;"); break;
                case '<': xml.Append("&lt;"); break;
                case '>': xml.Append("&gt;"); break;
                case '"' when inAttribute: xml.Append("&quot;"); break;
                case '\n' when inAttribute: xml.Append("&#xA;"); break;
                case '\r' when inAttribute: xml.Append("&#xD;"); break;
                case '\t' when inAttribute: xml.Append("&#x9;"); break;
                case '\r':
                    xml.Append(Environment.NewLine);
                    if (i + 1 < value.Length && value[i + 1] == '\n')
                    {
                        i++;
                    }
                    break;
                case '\n': xml.Append(Environment.NewLine); break;
                default: xml.Append(c); break;
            }
        }
    }

    protected static string XmlSafe(string text) =>
        text.All(XmlConvert.IsXmlChar) ? text : string.Concat(text.Where(XmlConvert.IsXmlChar));
}
