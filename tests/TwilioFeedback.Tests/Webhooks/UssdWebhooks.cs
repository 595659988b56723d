using System.Net;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.WebhookTables;

/// <summary>The USSD gateway's callback, one row per step: <c>text</c> grows by <c>*answer</c> each step.</summary>
public sealed class UssdWebhooks(TwilioApiFactory factory) : WebhookTable<TwilioApiFactory>(factory)
{
    private const string Phone = "+237699000001";

    /// <summary>A first step exactly as the gateway posts it (Africa's Talking's fields and order).</summary>
    private const string Opening = "sessionId=ATUid_5f1c3f0d8e4a4b2f9c7d6e5a4b3c2d10&serviceCode=%2A384%2A1234%23&phoneNumber=%2B237699000001&networkCode=62401&text=";

    private static readonly KeyValuePair<string, string>[] GatewaySecret = [new("X-Ussd-Secret", TwilioApiFactory.UssdSecret)];

    /// <summary>The step whose <c>text</c> is every answer so far, from the gateway that knows the secret.</summary>
    private static WebhookRequest Step(string text) =>
        new("/ussd", Opening.With(("text", text))) { Signature = Signature.None, Headers = GatewaySecret };

    private static Before[] Steps(params string[] texts) => [.. texts.Select(Step)];

    private static readonly PatientRow English = new(Phone, "en");

    public static IReadOnlyList<WebhookCase> Table { get; } =
    [
        new("A new session opens with the language menu", Step(""))
        {
            Screen = "CON {LanguageMenu:en}",
            Patients = [new(Phone, null)],
        },
        new("A rating is stored at once and the comment is asked for", Step("1*4"))
        {
            Given = Steps("", "1"),
            Screen = "CON {Ussd_AskComment:en}",
            Patients = [English],
            Feedback = [new(4, null, "en", "ussd")],
        },
        new("A comment ends the session with thanks", Step("1*4*Bon accueil"))
        {
            Given = Steps("", "1", "1*4"),
            Screen = "END {Thanks:en}",
            Patients = [English],
            Feedback = [new(4, "Bon accueil", "en", "ussd")],
        },
        new("A wrong rating choice is asked again", Step("1*9"))
        {
            Given = Steps("", "1"),
            Screen = "CON {Ussd_AskRatingAgain:en}",
            Patients = [English],
        },
        new("The comment can be skipped with 0, which ends the session with thanks", Step("1*9*5*0"))
        {
            Given = Steps("", "1", "1*9", "1*9*5"),
            Screen = "END {Thanks:en}",
            Patients = [English],
            Feedback = [new(5, null, "en", "ussd")],
        },
        new("A step the gateway repeats gets the same screen and is stored once", Step("2*3"))
        {
            Given = Steps("", "2"),
            SentTwice = true,
            Screen = "CON {Ussd_AskComment:fr}",
            Patients = [new(Phone, "fr")],
            Feedback = [new(3, null, "fr", "ussd")],
        },
        new("A number without plus is the same patient as by SMS",
            Step("") with { Body = "sessionId=ATUid_5f1c3f0d8e4a4b2f9c7d6e5a4b3c2d10&serviceCode=%2A384%23&phoneNumber=237699000001&text=" })
        {
            Given = [new WebhookRequest("/twilio/sms", FormBody.Of(TwilioRequests.Message(Phone, "hello"))), new WebhookRequest("/twilio/sms", FormBody.Of(TwilioRequests.Message(Phone, "2")))],
            Screen = "CON {Ussd_AskRating:fr}",
            Patients = [new(Phone, "fr")],
        },
        new("The secret may be a path segment", new WebhookRequest("/ussd/" + TwilioApiFactory.UssdSecret, Opening) { Signature = Signature.None })
        {
            Screen = "CON {LanguageMenu:en}",
            Patients = [new(Phone, null)],
        },

        // Refusals: nothing is stored.
        new("A step without the secret gets 403 and changes nothing", Step("") with { Headers = [] })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Unknown USSD gateway.",
        },
        new("A step with a wrong secret gets 403 and changes nothing", Step("") with { Headers = [new("X-Ussd-Secret", "wrong-secret")] })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Unknown USSD gateway.",
        },
        new("A step with a wrong secret in the path gets 403 and changes nothing", new WebhookRequest("/ussd/not-the-secret", Opening) { Signature = Signature.None })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Unknown USSD gateway.",
        },
        new("A step without phoneNumber gets 400 and changes nothing", Step("") with { Body = Opening.Without("phoneNumber") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "sessionId (up to 48 characters) and phoneNumber are required.",
        },
        new("A step with phoneNumber twice gets 400 and changes nothing", Step("") with { Body = Opening + "&phoneNumber=%2B237699000002" })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "phoneNumber must be given once.",
        },
        new("A step with text twice gets 400 and changes nothing", Step("1") with { Body = Opening.With(("text", "1")) + "&text=1%2A5" })
        {
            Given = Steps(""),
            Status = HttpStatusCode.BadRequest,
            Problem = "text must be given once.",
            Patients = [new(Phone, null)],
        },
        new("A step posted as JSON gets 415 and changes nothing", Step("") with { Body = "{\"sessionId\":\"ATUid_1\"}", ContentType = "application/json" })
        {
            Status = HttpStatusCode.UnsupportedMediaType,
            Problem = "Expected a form POST.",
        },
    ];

    public static TheoryData<string> Rows => LabelsOf(Table);

    [Theory]
    [MemberData(nameof(Rows))]
    public Task A_gateway_step_is_answered_and_stored_as_its_row_says(string row) => RunAsync(Table, row);
}
