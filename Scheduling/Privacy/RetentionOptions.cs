using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Scheduling.Privacy;

/// <summary>How long comments and recordings are kept (<c>Retention:Days</c>; 0 keeps them).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Comments and recordings older than this many days are purged; ratings stay. 0: kept for ever.</summary>
    [Range(0, 36500, ErrorMessage = "Retention:Days must be from 0 (keep) to 36500.")]
    public int Days { get; set; }

    /// <summary>
    /// How long a handled state-changing message id is remembered against replays (<c>Retention:ProcessedMessagesDays</c>);
    /// far longer than Twilio retries (hours), so a replayed STOP never opts a patient out again.
    /// </summary>
    [Range(1, 36500, ErrorMessage = "Retention:ProcessedMessagesDays must be from 1 to 36500.")]
    public int ProcessedMessagesDays { get; set; } = 400;

    /// <summary>
    /// How long a finished call-back row (with the number it called) is kept (<c>Retention:CallBacksDays</c>), or
    /// <see cref="Days"/> when that is shorter; a call-back still on its way is never purged.
    /// </summary>
    [Range(2, 36500, ErrorMessage = "Retention:CallBacksDays must be from 2 to 36500.")]
    public int CallBacksDays { get; set; } = 90;
}
