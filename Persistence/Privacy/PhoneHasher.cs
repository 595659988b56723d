using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Persistence.Privacy;

/// <summary>Keyed hash of a phone number: lets us find a patient without reading numbers in clear.</summary>
public sealed class PhoneHasher(IOptions<SecurityOptions> options)
{
    private readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SecretKey), "phone-lookup"u8);

    public byte[] Hash(string e164) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(e164));
}
