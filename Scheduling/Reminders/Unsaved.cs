using TwilioFeedback.Persistence;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>The outcomes of a batch sent but not yet saved, and since when the first of them has waited.</summary>
internal sealed class Unsaved
{
    private long _since;

    public List<Reminder> Reminders { get; } = new(ReminderDispatcher.SaveEvery);

    /// <summary>The reminders among them whose patient Twilio said unsubscribed.</summary>
    public HashSet<long> OptedOut { get; } = [];

    /// <summary>Adds one; returns how many are waiting.</summary>
    public int Add(Reminder reminder, bool optedOut, TimeProvider clock)
    {
        if (Reminders.Count == 0)
        {
            _since = clock.GetTimestamp();
        }
        Reminders.Add(reminder);
        if (optedOut)
        {
            OptedOut.Add(reminder.Id);
        }
        return Reminders.Count;
    }

    /// <summary>How long the first waiting outcome has waited.</summary>
    public TimeSpan Waited(TimeProvider clock) => Reminders.Count == 0 ? TimeSpan.Zero : clock.GetElapsedTime(_since);

    public void Clear()
    {
        Reminders.Clear();
        OptedOut.Clear();
    }
}
