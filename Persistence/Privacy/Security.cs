using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
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

/// <summary>Keyed hash of a phone number: lets us find a patient without reading numbers in clear.</summary>
public sealed class PhoneHasher(IOptions<SecurityOptions> options)
{
    private readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SecretKey), "phone-lookup"u8);

    public byte[] Hash(string e164) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(e164));
}

/// <summary>Masks patient data for logs: <c>+2376••••••12</c>.</summary>
public static partial class Mask
{
    /// <summary>A provider's free text with phone numbers and emails masked (e.g. "The 'To' number +237… is not valid").</summary>
    public static string? Scrub(string? text) => text is null ? null
        : PhoneLike().Replace(EmailLike().Replace(text, m => "•••" + m.Value[m.Value.IndexOf('@')..]), m => Phone(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"\+?\d[\d \-]{6,}\d")]
    private static partial System.Text.RegularExpressions.Regex PhoneLike();

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s@'""<>]+@[^\s@'""<>]+")]
    private static partial System.Text.RegularExpressions.Regex EmailLike();

    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "";
        }
        var keep = Math.Clamp(phone.Length / 2 - 1, 0, 5);
        var tail = phone.Length > 8 ? 2 : 0;
        return string.Concat(phone.AsSpan(0, keep), new string('•', phone.Length - keep - tail), phone.AsSpan(phone.Length - tail));
    }
}
