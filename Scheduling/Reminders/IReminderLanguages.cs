using TwilioFeedback.Resources;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// The language a reminder written for a patient's language goes out in on its channels: that language where it
/// is live on each of them, else its fallback (the studio decides; a host without a studio serves every language).
/// </summary>
public interface IReminderLanguages
{
    Language ServeOn(Language wanted, IReadOnlyList<string> channels);
}

/// <summary>Every language as asked: for a host without the studio's live switches.</summary>
public sealed class EveryReminderLanguage : IReminderLanguages
{
    public Language ServeOn(Language wanted, IReadOnlyList<string> channels) => wanted;
}
