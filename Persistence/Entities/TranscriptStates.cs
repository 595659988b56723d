namespace TwilioFeedback.Persistence;

/// <summary>Where a spoken comment is on its way to a machine transcript.</summary>
public static class TranscriptStates
{
    /// <summary>Claimed by a transcription run (until <c>transcript_next_attempt_at</c>, then it may be claimed again).</summary>
    public const string Transcribing = "transcribing";

    /// <summary>Tried and failed for now: tried again at <c>transcript_next_attempt_at</c>.</summary>
    public const string Retrying = "retrying";

    public const string Done = "done";

    /// <summary>Given up: <c>transcript_error</c> says why. A person transcribes it in the inbox.</summary>
    public const string Failed = "failed";

    /// <summary>Not sent: its language is not one the service is given (Duala, Basaa, Ewondo by default).</summary>
    public const string NotSent = "not_sent";
}
