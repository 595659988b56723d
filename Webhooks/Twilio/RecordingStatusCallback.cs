using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Webhooks.Conversations;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>Twilio's <c>recordingStatusCallback</c>: a recording is ready (with the URL it is fetched from), absent or failed.</summary>
public sealed record RecordingStatusCallback(string RecordingSid, string RecordingStatus, string RecordingUrl, string CallSid, string ErrorCode)
{
    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public static ValueTask<RecordingStatusCallback> BindAsync(HttpContext context) => WebhookForm.BindAsync(context, Parse);

    private static RecordingStatusCallback Parse(IFormCollection form, ProblemHttpResult? refused)
    {
        var (sid, status, url) = (form["RecordingSid"].ToString(), form["RecordingStatus"].ToString(), form["RecordingUrl"].ToString());
        return new RecordingStatusCallback(sid, status, url, form["CallSid"].ToString(), form["ErrorCode"].ToString())
        {
            Problem = refused
                ?? (sid.Length is 0 or > 64 || status.Length == 0
                    ? WebhookForm.BadRequest("RecordingSid (up to 64 characters) and RecordingStatus are required.")
                // Credentials go with the fetch: only a URL of the form we expect is kept.
                : status == "completed" && !RecordingRows.IsAudioUrl(url)
                    ? WebhookForm.BadRequest($"RecordingUrl must be an http(s) URL of at most {RecordingRows.MaxUrlLength} characters.")
                : null),
        };
    }
}
