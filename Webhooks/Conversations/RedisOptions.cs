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
}
