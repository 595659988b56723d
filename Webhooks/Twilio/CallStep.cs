using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// Twilio's voice webhook form: the call coming in, and each step after it (<c>Digits</c> after a
/// Gather; the recording, and the key that ended it or <c>hangup</c>, after a Record).
/// </summary>
public sealed record CallStep(
    string CallSid, string From, string To, string Digits, string CallStatus, string RecordingSid, string RecordingUrl, int? RecordingDuration)
{
    public const string Required = "CallSid and From are required (CallSid a Twilio call SID: CA and 32 hex digits).";

    public const string NotARecording = "RecordingSid must be a Twilio recording SID (RE and 32 hex digits) and RecordingUrl an https URL on the Twilio API host (Twilio:ApiBaseUrl).";

    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public static ValueTask<CallStep> BindAsync(HttpContext context) =>
        WebhookForm.BindAsync(context, (form, refused) => Parse(new SingleValues(form), refused, context));

    private static CallStep Parse(SingleValues form, ProblemHttpResult? refused, HttpContext context)
    {
        var (callSid, from, recordingSid, recordingUrl) = (form["CallSid"], form["From"], form["RecordingSid"], form["RecordingUrl"]);
        return new CallStep(
            callSid,
            from,
            form["To"],
            form["Digits"],
            form["CallStatus"],
            recordingSid,
            recordingUrl,
            int.TryParse(form["RecordingDuration"], CultureInfo.InvariantCulture, out var seconds) ? seconds : null)
        {
            Problem = refused ?? form.Problem
                ?? (!TwilioFormats.IsSid(callSid, TwilioFormats.Call) || from.Length is 0 or > PatientDirectory.MaxAddressLength ? WebhookForm.BadRequest(Required)
                // The recording is fetched with the account's credentials and deleted by its SID.
                : (recordingSid.Length > 0 && !TwilioFormats.IsSid(recordingSid, TwilioFormats.Recording))
                    || (recordingUrl.Length > 0 && !TwilioFormats.IsApiUrl(recordingUrl, TwilioFormats.ApiBase(context))) ? WebhookForm.BadRequest(NotARecording)
                : null),
        };
    }
}
