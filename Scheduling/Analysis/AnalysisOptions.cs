namespace TwilioFeedback.Scheduling.Analysis;

/// <summary>Analysis and escalation settings.</summary>
public sealed class AnalysisOptions
{
    public const string Section = "Analysis";

    public bool RunOnSchedule { get; set; } = true;

    /// <summary>Who is told about alarming feedback (rating 1–2, or words like death, abuse, bribe). Empty: nobody.</summary>
    public string? AlertEmail { get; set; }

    /// <summary>How long to wait for the comment that usually follows an SMS rating before analysing it.</summary>
    public TimeSpan CommentGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Base of the link put in alerts (from PUBLIC_BASE_URL).</summary>
    public string? LinkBase { get; set; }

    /// <summary>
    /// Words per topic (<c>Analysis:Topics:maternity:0=maternite</c>): added to the built-in topic of that name,
    /// or a new topic. A trailing <c>*</c> makes a prefix; words with spaces are phrases.
    /// </summary>
    public Dictionary<string, List<string>> Topics { get; set; } = [];

    /// <summary>Items read and written together.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>The most items one run analyses; the next run goes on.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int MaxItemsPerRun { get; set; } = 100_000;
}
