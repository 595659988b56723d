using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Ussd;

/// <summary>
/// The USSD gateway's form: the session, the code dialled, the phone, and <c>text</c>, every answer
/// of the session so far joined by <c>*</c>.
/// </summary>
public sealed record UssdRequest(string SessionId, string ServiceCode, string PhoneNumber, string Text)
{
    /// <summary>Why the form is refused (415, 400), or null.</summary>
    public ProblemHttpResult? Problem { get; init; }

    public static ValueTask<UssdRequest> BindAsync(HttpContext context) =>
        WebhookForm.BindAsync(context, (form, refused) => Parse(new SingleValues(form), refused), "Expected a form POST.");

    private static UssdRequest Parse(SingleValues form, ProblemHttpResult? refused)
    {
        var (sessionId, phone) = (form["sessionId"], form["phoneNumber"]);
        return new UssdRequest(sessionId, form["serviceCode"], phone, form["text"])
        {
            Problem = refused ?? form.Problem ?? (sessionId.Length is 0 or > 48 || phone.Length is 0 or > PatientDirectory.MaxAddressLength
                ? WebhookForm.BadRequest("sessionId (up to 48 characters) and phoneNumber are required.")
                : null),
        };
    }
}
