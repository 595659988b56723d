using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling.Reminders;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>Reminders go out only in a language live on each of their channels (the first that works is used), else its fallback.</summary>
public sealed class StudioReminderLanguages(StudioCatalogue studio) : IReminderLanguages
{
    public Language ServeOn(Language wanted, IReadOnlyList<string> channels) =>
        studio.ServeOnAll(wanted, channels.Select(OfReminder));

    public static Channel OfReminder(string channel) => ReminderChannels.FromName(channel) switch
    {
        ReminderChannel.Voice => Channel.Voice,
        ReminderChannel.WhatsApp => Channel.WhatsApp,
        ReminderChannel.Email => Channel.Web,
        _ => Channel.Sms,
    };
}
