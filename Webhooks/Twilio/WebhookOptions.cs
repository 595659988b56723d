namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>How Twilio reaches us: <c>Webhooks:PublicBaseUrl</c> (or <c>PUBLIC_BASE_URL</c>) and the signature switch.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>The base URL Twilio calls (e.g. https://feedback.example.org), used to check signatures behind a proxy.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Only an explicit <c>false</c> turns signature checks off; start-up then logs a warning.</summary>
    public bool ValidateSignatures { get; set; } = true;

    /// <summary>Largest form body accepted on Twilio webhooks (Twilio's own are a few KB).</summary>
    public int MaxFormValueLength { get; set; } = 16 * 1024;
}
