using System.Net;
using TwilioFeedback.Tests.Infrastructure;

// Not TwilioFeedback.Tests.Webhooks: that name would hide the product's TwilioFeedback.Webhooks from
// every test that writes Webhooks.X.
namespace TwilioFeedback.Tests.WebhookTables;

/// <summary>
/// One row of a webhook table, in the manner of courier's handler tests: what happened before, the
/// request as the provider sends it, and what the patient (or provider) gets back and what is stored.
/// </summary>
/// <param name="Label">A sentence: the row's name in the test report.</param>
public sealed record WebhookCase(string Label, WebhookRequest Request)
{
    /// <summary>The patient's state before, made through the public webhooks (and the clock).</summary>
    public IReadOnlyList<Before> Given { get; init; } = [];

    /// <summary>The provider retries: the request is sent twice and both answers must be the same.</summary>
    public bool SentTwice { get; init; }

    public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

    /// <summary>The TwiML answer, compared as XML; <c>{Key:lang}</c> (or <c>{Key:lang:arg}</c>) stands for a built-in text.</summary>
    public string? TwiML { get; init; }

    /// <summary>The USSD answer (<c>CON …</c> or <c>END …</c>), with the same placeholders.</summary>
    public string? Screen { get; init; }

    /// <summary>The ProblemDetails title of a refusal.</summary>
    public string? Problem { get; init; }

    // The rows afterwards, all of them, in the order they were written: an empty list is "nothing stored".
    public IReadOnlyList<PatientRow> Patients { get; init; } = [];

    public IReadOnlyList<FeedbackRow> Feedback { get; init; } = [];

    public IReadOnlyList<EventRow> Events { get; init; } = [];

    public IReadOnlyList<RecordingRow> Recordings { get; init; } = [];

    public override string ToString() => Label;
}

/// <summary>Something that happened before a row's request.</summary>
public abstract record Before;

/// <summary>The server's clock moves on.</summary>
public sealed record TimePasses(TimeSpan By) : Before;

/// <summary>A request as the provider sends it: the path (with its query) and the raw url-encoded body.</summary>
public sealed record WebhookRequest(string Path, string Body) : Before
{
    public const string FormContentType = "application/x-www-form-urlencoded";

    public string ContentType { get; init; } = FormContentType;

    public Signature Signature { get; init; } = Signature.Valid;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>The <c>X-Twilio-Signature</c> a request carries: by default Twilio's, over the body sent.</summary>
public sealed record Signature
{
    /// <summary>The auth token it is computed with; null: no header at all.</summary>
    public string? Token { get; init; } = AppFactory.AuthToken;

    /// <summary>A fixed header value instead of a computed one.</summary>
    public string? Value { get; init; }

    /// <summary>The body it was computed over, when not the one sent (a body changed on the way).</summary>
    public string? Over { get; init; }

    public static Signature Valid { get; } = new();

    public static Signature None { get; } = new() { Token = null };

    public static Signature Literal(string value) => new() { Value = value };

    public static Signature WithToken(string token) => new() { Token = token };

    public static Signature OverBody(string body) => new() { Over = body };
}

/// <summary>A patient row: the number in clear (as the directory decrypts it), the language, the opt-out.</summary>
public sealed record PatientRow(string Phone, string? Language, DateTimeOffset? OptedOutAt = null);

/// <summary>A feedback row; <paramref name="RecordingSid"/> is the provider id of the linked recording.</summary>
public sealed record FeedbackRow(int Rating, string? Comment, string Language, string Channel, string? RecordingSid = null);

/// <summary>A provider callback as kept in <c>provider_events</c>.</summary>
public sealed record EventRow(string Kind, string Sid, string Status, string? ErrorCode = null);

/// <summary>A voice recording row (its status moves on in the background, so it is not a column).</summary>
public sealed record RecordingRow(string? ProviderSid, string ContentType, string Source);
