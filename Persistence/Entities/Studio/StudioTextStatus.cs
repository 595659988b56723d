namespace TwilioFeedback.Persistence;

/// <summary>The states of a <see cref="StudioText"/> version.</summary>
public static class StudioTextStatus
{
    public const string Draft = "draft";
    public const string Approved = "approved";
}
