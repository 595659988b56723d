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

    public static TheoryData<string> Awkward => new()
    {
        "plain", "", "Rate 1 < 5 & \"quotes\" 'and' <Hangup/> ]]> Ɓàsàa ⭐ 😀", "two\nlines", "windows\r\nline\rmac", "tab\there", "&amp; &#x41;", " spaces  kept ",
    };

    /// <summary>The writer gives, byte for byte, what XmlWriter (the writer before it) gave for the same tree: Twilio sees no change.</summary>
    [Theory]
    [MemberData(nameof(Awkward))]
    public void Every_verb_is_written_as_XmlWriter_writes_it(string text)
    {
        var messaging = new MessagingResponse().Message(text);
        var voice = new VoiceResponse()
            .Gather($"/twilio/voice?step={text}", 1, 6, v => v.Say(text, "fr-FR", text.Length > 4 ? "Polly.Lea" : null).Play($"https://x.test/{text}"))
            .Record("/a?b=1&c=2", "/cb", 60, "#").Pause(2).Redirect(text).Hangup().Reject("busy");
        foreach (TwiML response in new TwiML[] { messaging, voice, new MessagingResponse() })
        {
            Assert.Equal(WithXmlWriter(response), response.ToString());
        }
    }

    private static string WithXmlWriter(TwiML response)
    {
        // The tree, as the server builds it, read back from the protected Root.
        var root = (XElement)typeof(TwiML).GetProperty("Root", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(response)!;
        var builder = new System.Text.StringBuilder();
        using (var writer = System.Xml.XmlWriter.Create(new Utf8StringWriter(builder), new System.Xml.XmlWriterSettings { Indent = false, Encoding = System.Text.Encoding.UTF8 }))
        {
            new XDocument(new XDeclaration("1.0", "utf-8", null), root).Save(writer);
        }
        return builder.ToString();
    }

    private sealed class Utf8StringWriter(System.Text.StringBuilder builder) : StringWriter(builder)
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
