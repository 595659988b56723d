using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>How reminders go out: the dispatch rhythm, quiet hours (hospital time), retries.</summary>
public sealed class ReminderOptions
{
    public const string Section = "Reminders";

    /// <summary>Run the dispatcher on a schedule (tests run it by hand).</summary>
    public bool DispatchOnSchedule { get; set; } = true;

    [Range(1, 300, ErrorMessage = "Reminders:DispatchEverySeconds must be from 1 to 300.")]
    public int DispatchEverySeconds { get; set; } = 5;

    [Range(1, 1000, ErrorMessage = "Reminders:BatchSize must be from 1 to 1000.")]
    public int BatchSize { get; set; } = 100;

    /// <summary>Batches sent at once by one server (each claimer has its own database connection).</summary>
    [Range(1, 32, ErrorMessage = "Reminders:Parallelism must be from 1 to 32.")]
    public int Parallelism { get; set; } = 4;

    /// <summary>How long a claim lasts: a dispatcher that dies releases its rows after this.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00", ErrorMessage = "Reminders:Lease must be from 10 seconds to 1 hour.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 20, ErrorMessage = "Reminders:MaxAttempts must be from 1 to 20.")]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The hospital's time zone, for quiet hours.</summary>
    [Required(ErrorMessage = "Reminders:TimeZone is required.")]
    public string TimeZone { get; set; } = "Africa/Douala";

    public TimeOnly QuietFrom { get; set; } = new(20, 0);

    public TimeOnly QuietUntil { get; set; } = new(7, 0);

    /// <summary>Where Twilio reports what became of a message (set from the public base URL); null: no reports.</summary>
    public string? StatusCallbackUrl { get; set; }

    /// <summary>The public base URL (PUBLIC_BASE_URL): calls fetch their TwiML from it. Null: no voice reminders.</summary>
    public string? PublicBaseUrl { get; set; }
}
