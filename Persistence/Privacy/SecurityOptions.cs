using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Persistence.Privacy;

/// <summary>The server's secret (<c>Security:SecretKey</c> or <c>SECRET_KEY</c>).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    [Required(ErrorMessage = "Security:SecretKey (or SECRET_KEY) is required.")]
    [MinLength(16, ErrorMessage = "Security:SecretKey (or SECRET_KEY) must be at least 16 characters.")]
    public string SecretKey { get; set; } = "";

    /// <summary>Extra data keys by id (base64 of 32 random bytes), for rotation: <c>Security__DataKeys__k2=…</c>.</summary>
    public Dictionary<string, string> DataKeys { get; set; } = [];

    /// <summary>The key id that encrypts new values; empty: the key derived from the secret.</summary>
    public string? ActiveDataKey { get; set; }
}

/// <summary>Checks the data key ring at start-up, naming the setting that is wrong.</summary>
public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        Span<byte> bytes = stackalloc byte[64];
        foreach (var (id, value) in options.DataKeys)
        {
            if (id.Length is 0 or > 16 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                failures.Add($"Security:DataKeys:{id}: a key id is 1 to 16 letters, digits, '-' or '_'.");
            }
            if (!Convert.TryFromBase64String(value, bytes, out var written) || written != 32)
            {
                failures.Add($"Security:DataKeys:{id} must be 32 bytes in base64 (e.g. openssl rand -base64 32).");
            }
        }
        if (!string.IsNullOrEmpty(options.ActiveDataKey) && !options.DataKeys.ContainsKey(options.ActiveDataKey))
        {
            failures.Add($"Security:ActiveDataKey names {options.ActiveDataKey}, which is not in Security:DataKeys.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
