using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Ussd;
using TwilioFeedback.Webhooks.Voice;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>What the page sends: a channel, the patient's number, and this step's text or keys (or, on a call, that the patient hung up).</summary>
public sealed record SimulatorRequest(string? Channel, string? From, string? Text, string? Digits, string? SessionId, int? Step, bool? Hangup = null);

/// <summary>One message the patient receives, with what it costs as an SMS.</summary>
public sealed record SimulatedMessage(string Text, int Segments, string Encoding, int Units, decimal? Cost);

/// <summary>One thing heard or done on a call: say, play, gather, record, hangup.</summary>
public sealed record VoiceStep(string Kind, string? Text = null, string? Language = null, string? Url = null, int? NumDigits = null, string? FinishOnKey = null);

/// <summary>The server's answer as the page shows it; <c>status</c> is the webhook's own HTTP status.</summary>
public sealed record SimulatorAnswer(
    int Status,
    string? Error,
    string Channel,
    string? SessionId,
    IReadOnlyList<SimulatedMessage> Messages,
    IReadOnlyList<VoiceStep> Steps,
    int? NextStep,
    bool Ended,
    decimal? TotalCost,
    string Currency);

/// <summary>What the page needs to draw the phone.</summary>
public sealed record SimulatorConfig(
    string HospitalNumber, string UssdServiceCode, decimal PricePerSegment, string Currency, bool SignsRequests, bool UssdEnabled,
    IReadOnlyList<string> TestNumbers, IReadOnlyList<string> TestPrefixes);

/// <summary>
/// The phone on screen: each step becomes the request Twilio (or the USSD gateway) would send, signed
/// as Twilio signs, posted over HTTP to this server's own webhooks, and the answer read back as JSON.
/// </summary>
public static partial class SimulatorEndpoints
{
    public const string HttpClientName = "simulator";
    public const string Policy = "simulator";

    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/simulator").WithTags("Simulator").RequireAuthorization(Policy)
            .RequireRateLimiting(SimulatorRateLimit.Instance).AddEndpointFilter(LocalUnlessSignedIn);
        group.MapGet("/", Config).WithName("SimulatorConfig");
        group.MapPost("/send", SendAsync).WithName("SimulatorSend").WithSummary("One step of a simulated SMS, WhatsApp, voice or USSD conversation, through the real webhooks.");
        return app;
    }

    internal static Ok<SimulatorConfig> Config(IOptions<SimulatorOptions> options, IOptions<TwilioOptions> twilio, IOptions<UssdOptions> ussd) =>
        TypedResults.Ok(new SimulatorConfig(
            HospitalNumber(options.Value, twilio.Value), options.Value.UssdServiceCode, options.Value.PricePerSegment, options.Value.Currency,
            !string.IsNullOrEmpty(twilio.Value.AuthToken), !string.IsNullOrEmpty(ussd.Value.SharedSecret),
            SimulatorNumbers.Examples(options.Value), SimulatorNumbers.Prefixes(options.Value)));

    /// <summary>Without a token (a local run, Development) the simulator answers only callers on this machine.</summary>
    private static async ValueTask<object?> LocalUnlessSignedIn(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        SimulatorCaller.IsStaff(context.HttpContext.User) || SimulatorCaller.IsLocal(context.HttpContext)
            ? await next(context)
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
                title: "Without a staff token the simulator answers only on the machine the server runs on.");

    internal static async Task<Results<Ok<SimulatorAnswer>, ValidationProblem, ProblemHttpResult>> SendAsync(
        SimulatorRequest request,
        IHttpClientFactory clients,
        IServer server,
        IOptions<SimulatorOptions> options,
        IOptionsMonitor<TwilioOptions> twilio,
        PublicUrls urls,
        IOptionsMonitor<UssdOptions> ussd,
        HttpContext context,
        TwilioFeedback.Webhooks.Api.AuditLog audit,
        CancellationToken cancellationToken)
    {
        var channel = request.Channel?.ToLowerInvariant();
        var errors = new Dictionary<string, string[]>();
        if (channel is not ("sms" or "whatsapp" or "voice" or "ussd"))
        {
            errors["channel"] = ["channel must be sms, whatsapp, voice or ussd."];
        }
        if (request.From is null || !PhonePattern().IsMatch(request.From))
        {
            errors["from"] = ["from must be a phone number such as +237670000001."];
        }
        else if (!SimulatorNumbers.IsReserved(options.Value, request.From.StartsWith('+') ? request.From : "+" + request.From))
        {
            // It never speaks for a real patient: it could answer their reminder, opt them out or spend their budget.
            errors["from"] = [$"The simulator speaks only for its test numbers ({string.Join(", ", SimulatorNumbers.Prefixes(options.Value).Select(p => p + "…"))}, Simulator:TestNumbers), never for a real patient."];
        }
        if (request.Text is { Length: > 1600 })
        {
            errors["text"] = ["text holds at most 1600 characters."];
        }
        if (request.Digits is { } digits && !DigitsPattern().IsMatch(digits))
        {
            errors["digits"] = ["digits are keypad keys: 0-9, * and #."];
        }
        if (request.SessionId is { } session && !SessionPattern().IsMatch(session))
        {
            errors["session_id"] = ["session_id is the one this endpoint gave."];
        }
        if (request.Step is < 0 or > 100)
        {
            errors["step"] = ["step must be from 0 to 100."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var settings = options.Value;
        var authToken = twilio.CurrentValue.AuthToken;
        if (channel != "ussd" && string.IsNullOrEmpty(authToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The simulator signs its requests as Twilio does, with Twilio:AuthToken (TWILIO_AUTH_TOKEN), which is not set.",
                detail: "scripts/run sets a local one; in production set the real token.");
        }
        if (BaseAddress(settings, server) is not { } baseAddress)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The simulator cannot tell the server's own address: set Simulator:BaseAddress.");
        }

        var from = request.From!.StartsWith('+') ? request.From : "+" + request.From;
        // It speaks for a number as Twilio would: who did so, and for which (masked) number, is audited.
        await audit.RecordAsync(context, "simulate", $"{channel} {TwilioFeedback.Persistence.Privacy.Mask.Phone(from)}", cancellationToken);
        var hospital = HospitalNumber(settings, twilio.CurrentValue);
        var accountSid = twilio.CurrentValue.AccountSid is { Length: > 0 } sid ? sid : "AC" + new string('0', 32);
        var client = clients.CreateClient(HttpClientName);
        client.BaseAddress = new Uri(baseAddress);

        HttpRequestMessage message;
        string? sessionId = request.SessionId;
        switch (channel)
        {
            case "sms" or "whatsapp":
            {
                var messageSid = "SM" + Guid.NewGuid().ToString("N");
                var prefix = channel == "whatsapp" ? "whatsapp:" : "";
                var body = request.Text ?? "";
                List<KeyValuePair<string, string>> form =
                [
                    new("ToCountry", "CM"), new("SmsMessageSid", messageSid), new("NumMedia", "0"), new("SmsSid", messageSid),
                    new("SmsStatus", "received"), new("Body", body), new("FromCountry", "CM"), new("To", prefix + hospital),
                    new("NumSegments", SmsSegments.Count(body).Segments.ToString(CultureInfo.InvariantCulture)), new("MessageSid", messageSid),
                    new("AccountSid", accountSid), new("From", prefix + from), new("ApiVersion", "2010-04-01"),
                ];
                message = Signed("/twilio/sms", form, authToken!, urls.Configured, baseAddress);
                break;
            }
            case "voice":
            {
                sessionId ??= "CA" + Guid.NewGuid().ToString("N");
                var step = request.Step ?? 0;
                List<KeyValuePair<string, string>> form =
                [
                    new("AccountSid", accountSid), new("ApiVersion", "2010-04-01"), new("CallSid", sessionId),
                    new("CallStatus", step == 0 ? "ringing" : "in-progress"), new("Called", hospital), new("Caller", from),
                    new("Direction", "inbound"), new("From", from), new("To", hospital),
                ];
                if (!string.IsNullOrEmpty(request.Digits))
                {
                    form.Add(new("Digits", request.Digits));
                }
                if (request.Hangup == true)
                {
                    // The patient hangs up: Twilio ends the call and posts its status callback, as here.
                    form[3] = new("CallStatus", "completed");
                    form.Add(new("CallDuration", "0"));
                    message = Signed(VoiceEndpoints.CallStatusPath, form, authToken!, urls.Configured, baseAddress);
                    break;
                }
                var path = step == 0 ? VoiceEndpoints.VoicePath : $"{VoiceEndpoints.VoicePath}?step={step.ToString(CultureInfo.InvariantCulture)}";
                message = Signed(path, form, authToken!, urls.Configured, baseAddress);
                break;
            }
            default:
            {
                sessionId ??= "ATUid_" + Guid.NewGuid().ToString("N");
                message = new HttpRequestMessage(HttpMethod.Post, "/ussd")
                {
                    Content = new FormUrlEncodedContent([
                        new("sessionId", sessionId), new("serviceCode", settings.UssdServiceCode), new("phoneNumber", from),
                        new("networkCode", "62401"), new("text", request.Text ?? "")]),
                };
                // The gateway's secret, as the gateway sends it: without one USSD is off and answers 403.
                message.Headers.Add("X-Ussd-Secret", ussd.CurrentValue.SharedSecret ?? "");
                break;
            }
        }

        HttpResponseMessage response;
        string content;
        try
        {
            response = await client.SendAsync(message, cancellationToken);
            content = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway,
                title: $"The simulator could not reach the server at {baseAddress} (Simulator:BaseAddress).", detail: e.Message);
        }
        using var _ = response;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return TypedResults.Ok(new SimulatorAnswer((int)response.StatusCode, ProblemTitle(content) ?? response.ReasonPhrase, channel!, sessionId, [], [], null, true, null, settings.Currency));
        }
        return TypedResults.Ok(channel switch
        {
            "sms" or "whatsapp" => Messaging(channel, content, settings),
            "voice" when request.Hangup == true => new SimulatorAnswer(200, null, "voice", sessionId, [], [new VoiceStep("hangup")], null, true, null, settings.Currency),
            "voice" => Voice(sessionId!, content, baseAddress, urls.Configured, settings.Currency),
            _ => Ussd(sessionId!, content, settings.Currency),
        });
    }

    /// <summary>A Twilio-shaped form POST carrying <c>X-Twilio-Signature</c> for the URL the server will check.</summary>
    internal static HttpRequestMessage Signed(string pathAndQuery, List<KeyValuePair<string, string>> form, string authToken, string? publicBaseUrl, string baseAddress)
    {
        // The signature filter checks against PUBLIC_BASE_URL when set, else against the address it was reached at.
        var signedUrl = (publicBaseUrl ?? baseAddress).TrimEnd('/') + pathAndQuery;
        var signature = new RequestValidator(authToken).GetSignature(signedUrl, form.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value)));
        var message = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(form) };
        message.Headers.Add("X-Twilio-Signature", signature);
        return message;
    }

    private static SimulatorAnswer Messaging(string channel, string twiml, SimulatorOptions settings)
    {
        var messages = XDocument.Parse(twiml).Root!.Elements("Message").Select(m =>
        {
            var cost = SmsSegments.Count(m.Value);
            // WhatsApp is not billed by segment: the count is shown, no price.
            decimal? price = channel == "sms" ? cost.Segments * settings.PricePerSegment : null;
            return new SimulatedMessage(m.Value, cost.Segments, cost.Encoding == SmsEncoding.Gsm7 ? "GSM-7" : "UCS-2", cost.Units, price);
        }).ToList();
        decimal? total = channel == "sms" ? messages.Sum(m => m.Cost ?? 0) : null;
        return new SimulatorAnswer(200, null, channel, null, messages, [], null, false, total, settings.Currency);
    }

    private static SimulatorAnswer Voice(string callSid, string twiml, string baseAddress, string? publicBaseUrl, string currency)
    {
        var steps = new List<VoiceStep>();
        int? next = null;
        var ended = true;
        void Heard(XElement verb)
        {
            switch (verb.Name.LocalName)
            {
                case "Say":
                    steps.Add(new VoiceStep("say", verb.Value, verb.Attribute("language")?.Value));
                    break;
                case "Play":
                    steps.Add(new VoiceStep("play", Url: LocalPath(verb.Value.Trim(), baseAddress, publicBaseUrl)));
                    break;
            }
        }
        foreach (var verb in XDocument.Parse(twiml).Root!.Elements())
        {
            switch (verb.Name.LocalName)
            {
                case "Gather":
                    foreach (var inner in verb.Elements())
                    {
                        Heard(inner);
                    }
                    steps.Add(new VoiceStep("gather", NumDigits: int.TryParse(verb.Attribute("numDigits")?.Value, CultureInfo.InvariantCulture, out var n) ? n : null));
                    next ??= StepOf(verb.Attribute("action")?.Value);
                    ended = false;
                    break;
                case "Record":
                    steps.Add(new VoiceStep("record", FinishOnKey: verb.Attribute("finishOnKey")?.Value));
                    next ??= StepOf(verb.Attribute("action")?.Value);
                    ended = false;
                    break;
                case "Hangup":
                    steps.Add(new VoiceStep("hangup"));
                    ended = true;
                    break;
                case "Redirect":
                    break; // what Twilio does when no key comes: the page sends the same step without digits
                default:
                    Heard(verb);
                    break;
            }
        }
        return new SimulatorAnswer(200, null, "voice", callSid, [], steps, next, ended, null, currency);
    }

    private static SimulatorAnswer Ussd(string sessionId, string screen, string currency)
    {
        var ended = !screen.StartsWith("CON ", StringComparison.Ordinal);
        var text = screen.Length >= 4 ? screen[4..] : screen;
        var cost = SmsSegments.Count(text);
        return new SimulatorAnswer(200, null, "ussd", sessionId,
            [new SimulatedMessage(text, 1, cost.Encoding == SmsEncoding.Gsm7 ? "GSM-7" : "UCS-2", text.Length, null)], [], null, ended, null, currency);
    }

    /// <summary>A prompt URL the browser can fetch from this page's own origin.</summary>
    private static string LocalPath(string url, string baseAddress, string? publicBaseUrl)
    {
        foreach (var prefix in new[] { publicBaseUrl, baseAddress })
        {
            if (!string.IsNullOrEmpty(prefix) && url.StartsWith(prefix.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase))
            {
                return url[prefix.TrimEnd('/').Length..];
            }
        }
        return url;
    }

    private static int? StepOf(string? action) =>
        action is not null && StepPattern().Match(action) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    private static string? ProblemTitle(string content)
    {
        try
        {
            using var problem = JsonDocument.Parse(content);
            return problem.RootElement.TryGetProperty("title", out var title) ? title.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string HospitalNumber(SimulatorOptions options, TwilioOptions twilio) =>
        twilio.PhoneNumber is { Length: > 0 } number ? number : options.HospitalNumber;

    /// <summary>Simulator:BaseAddress, else the first address the server listens on (http preferred), wildcards made loopback.</summary>
    internal static string? BaseAddress(SimulatorOptions options, IServer server)
    {
        if (!string.IsNullOrEmpty(options.BaseAddress))
        {
            return options.BaseAddress.TrimEnd('/');
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        return address is null ? null : WildcardHost().Replace(address, "$1127.0.0.1").TrimEnd('/');
    }

    [GeneratedRegex(@"^\+?[0-9]{6,15}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[0-9*#]{1,20}$")]
    private static partial Regex DigitsPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{6,48}$")]
    private static partial Regex SessionPattern();

    [GeneratedRegex(@"[?&]step=(\d+)")]
    private static partial Regex StepPattern();

    [GeneratedRegex(@"^(https?://)(?:\+|\*|0\.0\.0\.0|\[::\])(?=[:/]|$)", RegexOptions.IgnoreCase)]
    private static partial Regex WildcardHost();
}
