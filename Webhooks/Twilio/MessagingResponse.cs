using System.Xml.Linq;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>TwiML for SMS and WhatsApp: zero or more <c>&lt;Message&gt;</c>.</summary>
public sealed class MessagingResponse : TwiML
{
    public MessagingResponse Message(string body)
    {
        Root.Add(new XElement("Message", XmlSafe(body)));
        return this;
    }
}
