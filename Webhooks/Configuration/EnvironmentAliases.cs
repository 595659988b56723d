namespace TwilioFeedback.Webhooks.Configuration;

/// <summary>
/// Accepts the environment names of the original design (DATABASE_URL, TWILIO_AUTH_TOKEN, …) as the
/// configuration keys the options classes bind to. They win over appsettings files.
/// </summary>
public sealed class EnvironmentAliasesSource : IConfigurationSource
{
    /// <summary>Environment name → configuration key (and how to convert the value).</summary>
    public static readonly IReadOnlyList<(string Variable, string Key, Func<string, string> Convert)> Aliases =
    [
        ("DATABASE_URL", "ConnectionStrings:Postgres", ConnectionUrls.Postgres),
        ("REDIS_URL", "Redis:Configuration", ConnectionUrls.Redis),
        ("TWILIO_ACCOUNT_SID", "Twilio:AccountSid", v => v),
        ("TWILIO_AUTH_TOKEN", "Twilio:AuthToken", v => v),
        ("TWILIO_PHONE_NUMBER", "Twilio:PhoneNumber", v => v),
        ("TWILIO_API_BASE_URL", "Twilio:ApiBaseUrl", v => v),
        ("SENDGRID_API_KEY", "Email:SendGridApiKey", v => v),
        ("SECRET_KEY", "Security:SecretKey", v => v),
        ("PUBLIC_BASE_URL", "Webhooks:PublicBaseUrl", v => v),
    ];

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider();

    private sealed class Provider : ConfigurationProvider
    {
        public override void Load()
        {
            foreach (var (variable, key, convert) in Aliases)
            {
                if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
                {
                    Data[key] = convert(value);
                }
            }
        }
    }
}
