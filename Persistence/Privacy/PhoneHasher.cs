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
}

/// <summary>Keyed hash of a phone number: lets us find a patient without reading numbers in clear.</summary>
public sealed class PhoneHasher(IOptions<SecurityOptions> options)
{
    private readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SecretKey), "phone-lookup"u8);

    public byte[] Hash(string e164) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(e164));
}

/// <summary>Masks patient data for logs: <c>+2376••••••12</c>.</summary>
public static class Mask
{
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
