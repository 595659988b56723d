using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>Redis settings: <c>Redis:Configuration</c> (or <c>REDIS_URL</c>) and a key prefix.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    [Required(ErrorMessage = "Redis:Configuration (or REDIS_URL) is required.")]
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key, so that several deployments or test classes share one Redis.</summary>
    public string KeyPrefix { get; set; } = "tf:";

    /// <summary>
    /// Connect, sync and async timeout of every Redis call (<c>Redis:Timeout</c>): while Redis is down a
    /// patient's "try again" answer comes within about this long (commands fail fast, no backlog).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30", ErrorMessage = "Redis:Timeout must be from 0.1 s to 30 s.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(1500);
}
