using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling;

/// <summary>
/// The Twilio account (<c>TWILIO_ACCOUNT_SID</c>, <c>TWILIO_AUTH_TOKEN</c>, <c>TWILIO_PHONE_NUMBER</c>,
/// <c>TWILIO_API_BASE_URL</c>). Without credentials the server runs in dry-run: nothing is sent.
/// </summary>
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    public string? AccountSid { get; set; }

    /// <summary>Signs webhooks and authenticates REST calls. A secret: environment only.</summary>
    public string? AuthToken { get; set; }

    public string? PhoneNumber { get; set; }

    [Required(ErrorMessage = "Twilio:ApiBaseUrl is required.")]
    [Url(ErrorMessage = "Twilio:ApiBaseUrl must be an absolute URL.")]
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>True when messages are recorded and shown but not sent.</summary>
    public bool DryRun => string.IsNullOrWhiteSpace(AccountSid) || string.IsNullOrWhiteSpace(AuthToken);
}

/// <summary>Checks that a configured account is complete, naming the missing setting.</summary>
public sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.AccountSid))
        {
            if (!options.AccountSid.StartsWith("AC", StringComparison.Ordinal))
            {
                failures.Add("Twilio:AccountSid must start with AC.");
            }
            if (string.IsNullOrWhiteSpace(options.AuthToken))
            {
                failures.Add("Twilio:AuthToken is required when Twilio:AccountSid is set.");
            }
            if (string.IsNullOrWhiteSpace(options.PhoneNumber))
            {
                failures.Add("Twilio:PhoneNumber is required when Twilio:AccountSid is set.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
