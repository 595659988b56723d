using System.Xml.Linq;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Tests.Twilio;

public sealed class TwiMLTests
{
    [Fact]
    public void Empty_response_is_a_bare_Response_element()
    {
        var document = XDocument.Parse(new MessagingResponse().ToString());
        Assert.Equal("Response", document.Root!.Name.LocalName);
        Assert.Empty(document.Root.Elements());
    }

    [Fact]
    public void Message_text_is_escaped_and_kept_whole()
    {
        const string text = "Rate 1 < 5 & \"quotes\" 'and' <Hangup/> Ɓàsàa ⭐";
        var xml = new MessagingResponse().Message(text).ToString();
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml);
        Assert.DoesNotContain("<Hangup/>", xml);
        Assert.Equal(text, XDocument.Parse(xml).Root!.Element("Message")!.Value);
    }

    [Fact]
    public void Characters_XML_cannot_carry_are_dropped_not_thrown()
    {
        var xml = new MessagingResponse().Message("bad\u0001char\u001f").ToString();
        Assert.Equal("badchar", XDocument.Parse(xml).Root!.Element("Message")!.Value);
    }
}
