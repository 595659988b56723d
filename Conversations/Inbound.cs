using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

/// <summary>A spoken comment: a call recording or a WhatsApp voice note, still at the provider.</summary>
/// <param name="ProviderId">RecordingSid, or the MessageSid of a voice note.</param>
public sealed record InboundAudio(string ProviderId, string Url, string ContentType);

/// <summary>One thing a patient sent, whatever the channel.</summary>
/// <param name="ProviderMessageId">Twilio's MessageSid (or the channel's equivalent for one step): a retried delivery carries the same one.</param>
/// <param name="Digits">Keys pressed on a call (or typed on a USSD menu).</param>
/// <param name="SessionId">A call's CallSid or a USSD sessionId: the conversation belongs to it rather than to the number.</param>
/// <param name="InvitedIn">
/// The answer is a key pressed on a feedback invite's call, which was said in this language: it is the visit's rating,
/// never a reminder's 1 or 2, and a patient with no language yet goes on in the invite's.
/// </param>
public sealed record Inbound(
    Channel Channel,
    string From,
    string To,
    string? Text,
    string ProviderMessageId,
    string? Digits = null,
    InboundAudio? Audio = null,
    string? SessionId = null,
    Language? InvitedIn = null)
{
    /// <summary>What the patient answered: typed text, else the keys pressed.</summary>
    public string? Answer => string.IsNullOrEmpty(Text) ? Digits : Text;
}
