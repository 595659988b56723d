namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>How a look at the number ended.</summary>
public enum NumberSetupOutcome
{
    /// <summary>Every setting is what it should be.</summary>
    InSync,

    /// <summary>Some setting differs (shown; <c>--apply</c> sets it).</summary>
    Differs,

    /// <summary>The differing settings were set, and Twilio now holds what it should.</summary>
    Applied,

    /// <summary>No credentials: what would be set is shown, nothing is asked of Twilio.</summary>
    DryRun,

    /// <summary>PUBLIC_BASE_URL is one Twilio cannot call.</summary>
    Refused,

    /// <summary>The account has no such number.</summary>
    UnknownNumber,

    /// <summary>Twilio refused the credentials (401/403).</summary>
    Unauthorized,

    /// <summary>Twilio failed or could not be reached.</summary>
    TwilioError,
}

/// <summary>One setting: where it lives (the number, or its Messaging Service), what Twilio holds, what it should be.</summary>
public sealed record NumberSetting(string Resource, string Name, string? Current, string Expected)
{
    // URLs are compared exactly (Twilio signs the URL as configured); methods in any case.
    public bool Matches => Name.EndsWith("Method", StringComparison.Ordinal)
        ? string.Equals(Current, Expected, StringComparison.OrdinalIgnoreCase)
        : string.Equals(Current, Expected, StringComparison.Ordinal);
}

/// <summary>The Messaging Service a number belongs to, and whether its inbound webhook is the one Twilio calls.</summary>
public sealed record NumberMessagingService(string Sid, string? FriendlyName, bool UsesNumberWebhook);

/// <summary>What the hospital's number is set to at Twilio next to what it should be, and what was done.</summary>
public sealed record NumberSetupReport(
    NumberSetupOutcome Outcome,
    string? PhoneNumber,
    string? NumberSid,
    string? FriendlyName,
    string? PublicBaseUrl,
    NumberMessagingService? MessagingService,
    IReadOnlyList<NumberSetting> Settings,
    string? Message)
{
    public bool InSync => Outcome is NumberSetupOutcome.InSync or NumberSetupOutcome.Applied;
}
