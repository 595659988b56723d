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
}
