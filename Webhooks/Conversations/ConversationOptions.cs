using System.ComponentModel.DataAnnotations;
using TwilioFeedback.Conversations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>How long an unfinished conversation is kept, per channel.</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Conversations:MessagingTimeToLive must be between 1 minute and 30 days.")]
    public TimeSpan MessagingTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the reply to a MessageSid is remembered, to answer Twilio's retries identically.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Conversations:ReplayWindow must be between 1 minute and 7 days.")]
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The language of the first screen when the patient's language is not known yet.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>How long a call's or a USSD session's state is kept: they last minutes, not days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Conversations:SessionTimeToLive must be between 1 minute and 1 day.")]
    public TimeSpan SessionTimeToLive { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan TimeToLive(Channel channel) => channel is Channel.Voice or Channel.Ussd ? SessionTimeToLive : MessagingTimeToLive;
}
