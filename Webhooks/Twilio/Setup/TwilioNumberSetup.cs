using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Voice;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>
/// Finds <c>TWILIO_PHONE_NUMBER</c> at Twilio, compares where its messages, calls and call status
/// go with this server's URLs under <c>PUBLIC_BASE_URL</c> (and, when the number sits in a Messaging
/// Service whose own inbound webhook wins, that one), and on request sets what differs.
/// Shared by <c>scripts/twilio-setup</c> and the admin API.
/// </summary>
public sealed partial class TwilioNumberSetup(TwilioNumberApi api, IOptions<TwilioOptions> twilio, PublicUrls urls, ILogger<TwilioNumberSetup> logger)
{
    public const string SmsPath = "/twilio/sms";

    public const string Number = "number";

    public const string Service = "messaging_service";

    /// <summary>Looks (and with <paramref name="apply"/>, sets what differs); never throws for what Twilio answers.</summary>
    public async Task<NumberSetupReport> RunAsync(bool apply, CancellationToken cancellationToken)
    {
        var options = twilio.Value;
        var baseUrl = urls.Configured;
        var phoneNumber = options.PhoneNumber;
        if (PublicBaseUrlCheck.Problem(baseUrl, allowLoopback: options.DryRun) is { } refused)
        {
            return Report(NumberSetupOutcome.Refused, refused);
        }
        var expected = Expected(baseUrl!);
        if (options.DryRun)
        {
            return Report(NumberSetupOutcome.DryRun,
                $"Dry run (no TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN): with credentials, {phoneNumber ?? "TWILIO_PHONE_NUMBER"} would be looked up and set as shown.",
                settings: [.. expected.Select(e => new NumberSetting(Number, e.Key, null, e.Value))]);
        }
        if (string.IsNullOrWhiteSpace(phoneNumber))
        {
            return Report(NumberSetupOutcome.Refused, "TWILIO_PHONE_NUMBER is not set.");
        }
        try
        {
            var number = await api.FindNumberAsync(phoneNumber, cancellationToken);
            if (number is null)
            {
                return Report(NumberSetupOutcome.UnknownNumber, $"The account has no number {phoneNumber} (IncomingPhoneNumbers): check TWILIO_PHONE_NUMBER (E.164, e.g. +237…) and the account.");
            }
            var service = await api.FindServiceOfAsync(number.Sid, cancellationToken);
            var settings = Compare(number, service, expected);
            if (!apply || settings.All(s => s.Matches))
            {
                return Report(settings.All(s => s.Matches) ? NumberSetupOutcome.InSync : NumberSetupOutcome.Differs, null, number, service, settings);
            }
            if (settings.Any(s => s.Resource == Number && !s.Matches))
            {
                number = await api.UpdateNumberAsync(number.Sid, expected, cancellationToken);
            }
            if (service is not null && settings.Any(s => s.Resource == Service && !s.Matches))
            {
                service = await api.UpdateServiceAsync(service.Sid, [new("InboundRequestUrl", expected["SmsUrl"]), new("InboundMethod", "POST")], cancellationToken);
            }
            settings = Compare(number, service, expected);
            LogApplied(logger, number.Sid, service?.Sid);
            return Report(settings.All(s => s.Matches) ? NumberSetupOutcome.Applied : NumberSetupOutcome.Differs,
                settings.All(s => s.Matches) ? null : "Twilio did not keep every setting sent: see the settings that still differ.", number, service, settings);
        }
        catch (TwilioApiException exception)
        {
            LogTwilioFailed(logger, exception.Status, exception.Code);
            return Report(exception.Unauthorized ? NumberSetupOutcome.Unauthorized : NumberSetupOutcome.TwilioError, exception.Message);
        }

        NumberSetupReport Report(NumberSetupOutcome outcome, string? message, IncomingNumber? number = null, MessagingService? service = null, IReadOnlyList<NumberSetting>? settings = null) =>
            new(outcome, phoneNumber, number?.Sid, number?.FriendlyName, baseUrl, service is null ? null : new(service.Sid, service.FriendlyName, service.UseInboundWebhookOnNumber), settings ?? [], message);
    }

    /// <summary>The form fields a number should hold, in the order they are shown and posted.</summary>
    public static Dictionary<string, string> Expected(string baseUrl) => new(StringComparer.Ordinal)
    {
        ["SmsUrl"] = baseUrl + SmsPath,
        ["SmsMethod"] = "POST",
        ["VoiceUrl"] = baseUrl + VoiceEndpoints.VoicePath,
        ["VoiceMethod"] = "POST",
        ["StatusCallback"] = baseUrl + VoiceEndpoints.CallStatusPath,
        ["StatusCallbackMethod"] = "POST",
    };

    private static List<NumberSetting> Compare(IncomingNumber number, MessagingService? service, Dictionary<string, string> expected)
    {
        List<NumberSetting> settings =
        [
            new(Number, "SmsUrl", number.SmsUrl, expected["SmsUrl"]),
            new(Number, "SmsMethod", number.SmsMethod, expected["SmsMethod"]),
            new(Number, "VoiceUrl", number.VoiceUrl, expected["VoiceUrl"]),
            new(Number, "VoiceMethod", number.VoiceMethod, expected["VoiceMethod"]),
            new(Number, "StatusCallback", number.StatusCallback, expected["StatusCallback"]),
            new(Number, "StatusCallbackMethod", number.StatusCallbackMethod, expected["StatusCallbackMethod"]),
        ];
        // In a Messaging Service, incoming messages go to the service's webhook unless it defers to the number's.
        if (service is { UseInboundWebhookOnNumber: false })
        {
            settings.Add(new(Service, "InboundRequestUrl", service.InboundRequestUrl, expected["SmsUrl"]));
            settings.Add(new(Service, "InboundMethod", service.InboundMethod, "POST"));
        }
        return settings;
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Twilio number {NumberSid} set to this server's webhooks (Messaging Service {ServiceSid})")]
    private static partial void LogApplied(ILogger logger, string numberSid, string? serviceSid);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Twilio number setup: Twilio answered {Status} (error {Code})")]
    private static partial void LogTwilioFailed(ILogger logger, int? status, int? code);
}
