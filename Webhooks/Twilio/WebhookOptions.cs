namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>How Twilio reaches us: <c>Webhooks:PublicBaseUrl</c> (or <c>PUBLIC_BASE_URL</c>) and the signature switch.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>The base URL Twilio calls (e.g. https://feedback.example.org), used to check signatures behind a proxy.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Only an explicit <c>false</c> turns signature checks off; start-up then logs a warning.</summary>
    public bool ValidateSignatures { get; set; } = true;

    /// <summary>Largest form value accepted: a WhatsApp message of 4,096 accented characters is 24 KB url-encoded.</summary>
    public int MaxFormValueLength { get; set; } = 48 * 1024;

    /// <summary>
    /// Largest body accepted on the Twilio and USSD webhooks, refused with 413 before it is read (so before
    /// the signature is checked). Twilio's largest form, a WhatsApp message of 4,096 characters (up to
    /// 9 bytes each once url-encoded) and ten media items, is under 45 KB.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;
}
