namespace TwilioFeedback.Webhooks.Ussd;

/// <summary>The USSD gateway: a shared secret (header or path) and, where set, the addresses it calls from.</summary>
public sealed class UssdOptions
{
    public const string Section = "Ussd";

    /// <summary>Sent by the gateway as <c>X-Ussd-Secret</c> or as the last path segment (<c>/ussd/{secret}</c>). Empty: USSD is off.</summary>
    public string? SharedSecret { get; set; }

    /// <summary>IP addresses the gateway calls from; empty: any.</summary>
    public List<string> AllowedAddresses { get; set; } = [];
}
