using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>The text of one prompt of a reply, for the channels that show text (SMS, WhatsApp, USSD).</summary>
public static class ReplyTexts
{
    /// <param name="key">The prompt's key in the channel's form (<see cref="MessageKeys.For"/>).</param>
    public static string Of(PatientTexts texts, Reply reply, Prompt prompt, string key) =>
        prompt.Key is MessageKeys.LanguageMenu or MessageKeys.LanguageMenuAgain
            ? texts.Menu(key, reply.Language, reply.Menu ?? Languages.All)
            : texts.Get(key, reply.Language, [.. prompt.Args]);
}
