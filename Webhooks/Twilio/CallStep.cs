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
    public const string Required = "CallSid and From are required.";

    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public static ValueTask<CallStep> BindAsync(HttpContext context) => WebhookForm.BindAsync(context, Parse);

    private static CallStep Parse(IFormCollection form, ProblemHttpResult? refused)
    {
        var (callSid, from) = (form["CallSid"].ToString(), form["From"].ToString());
        return new CallStep(
            callSid,
            from,
            form["To"].ToString(),
            form["Digits"].ToString(),
            form["CallStatus"].ToString(),
            form["RecordingSid"].ToString(),
            form["RecordingUrl"].ToString(),
            int.TryParse(form["RecordingDuration"], CultureInfo.InvariantCulture, out var seconds) ? seconds : null)
        {
            Problem = refused ?? (callSid.Length is 0 or > 40 || from.Length is 0 or > PatientDirectory.MaxAddressLength ? WebhookForm.BadRequest(Required) : null),
        };
    }
}
