namespace TwilioFeedback.Persistence;

/// <summary>
/// Where a call-back is: scheduled → placing (claimed) → placed → answered | scheduled (the retry) |
/// failed; skipped when it could not be placed (dry-run, no public URL). Moves go forward only.
/// </summary>
public static class CallBackStatus
{
    public const string Scheduled = "scheduled";
    public const string Placing = "placing";
    public const string Placed = "placed";
    public const string Answered = "answered";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    public static IReadOnlyList<string> All { get; } = [Scheduled, Placing, Placed, Answered, Failed, Skipped];
}
