using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>How effects held while PostgreSQL was down are written back.</summary>
public sealed class PendingEffectsOptions
{
    public const string Section = "PendingEffects";

    /// <summary>How often the drainer looks for held effects.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "PendingEffects:DrainEvery must be from 0.1 second to 10 minutes.")]
    public TimeSpan DrainEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a patient's record is remembered in Redis, to carry on a conversation while PostgreSQL is down.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "PendingEffects:PatientCacheTimeToLive must be from 1 minute to 30 days.")]
    public TimeSpan PatientCacheTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long that copy is trusted without asking PostgreSQL: every change this server makes to a patient
    /// refreshes or drops it, so this only bounds the staleness a change made elsewhere (or racing a
    /// message) can cause. Zero: PostgreSQL is asked on every message.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "PendingEffects:PatientCacheFreshFor must be from 0 to 1 hour.")]
    public TimeSpan PatientCacheFreshFor { get; set; } = TimeSpan.FromMinutes(10);
}
