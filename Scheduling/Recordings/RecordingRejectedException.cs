namespace TwilioFeedback.Scheduling.Recordings;

/// <summary>A recording that will never be fetched as it is (a URL, sid, type or size we refuse): the row fails at once.</summary>
public sealed class RecordingRejectedException(string reason) : Exception(reason);
