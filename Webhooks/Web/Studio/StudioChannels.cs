using TwilioFeedback.Conversations;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>The studio's channel of a conversation channel: SMS and WhatsApp (and the web form) share texts.</summary>
public static class StudioChannels
{
    public static string Of(Channel channel) => channel switch
    {
        Channel.Voice => TextChannels.Voice,
        Channel.Ussd => TextChannels.Ussd,
        _ => TextChannels.Sms,
    };
}
