using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Persistence.Privacy;

/// <summary>
/// AES-256-GCM for patient data at rest: phone numbers, emails, comments, reminder texts and
/// recordings. Every value carries the id of its key, so keys can be rotated: a new active key
/// encrypts from then on, and <c>DataKeyRotationJob</c> re-encrypts older values in the background.
/// </summary>
/// <remarks>
/// Keys: one derived from <c>SECRET_KEY</c> (HKDF), plus any in <c>Security:DataKeys:{id}</c> (base64,
/// 32 bytes); <c>Security:ActiveDataKey</c> picks the one that encrypts. Text is stored as
/// <c>enc1:{keyId}:{base64(nonce | tag | ciphertext)}</c>.
/// </remarks>
public sealed class DataCipher
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Marks an encrypted text value; anything else is clear text from before encryption.</summary>
    public const string TextPrefix = "enc1:";

    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly byte[] _activeKey;

    public DataCipher(IOptions<SecurityOptions> options)
    {
        var security = options.Value;
        var secret = Encoding.UTF8.GetBytes(security.SecretKey);
        var derived = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "patient-data-v1"u8.ToArray());
        var derivedId = "s" + Fingerprint(derived);
        _keys[derivedId] = derived;
        // Recordings stored before the key ring existed: readable, re-encrypted by the rotation job.
        var recordings = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: "recordings-v1"u8.ToArray());
        _keys["k1-" + Fingerprint(recordings)] = recordings;
        foreach (var (id, value) in security.DataKeys)
        {
            _keys[id] = Convert.FromBase64String(value);
        }
        ActiveKeyId = string.IsNullOrEmpty(security.ActiveDataKey) ? derivedId : security.ActiveDataKey;
        _activeKey = _keys[ActiveKeyId];
        KeyRing = string.Join(',', _keys.Keys.Order(StringComparer.Ordinal).Select(id => id + "=" + Fingerprint(_keys[id]))) + ";" + ActiveKeyId;
    }

    /// <summary>The id of the key that encrypts new values (never the key itself).</summary>
    public string ActiveKeyId { get; }

    /// <summary>Identifies the whole key ring (ids, key fingerprints, active key) without revealing it.</summary>
    public string KeyRing { get; }

    /// <summary>The prefix of every text value under the active key.</summary>
    public string ActiveTextPrefix => TextPrefix + ActiveKeyId + ":";

    public byte[] Encrypt(ReadOnlySpan<byte> plain)
    {
        var sealedData = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedData.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_activeKey, TagSize);
        aes.Encrypt(nonce, plain, sealedData.AsSpan(NonceSize + TagSize), sealedData.AsSpan(NonceSize, TagSize));
        return sealedData;
    }

    public byte[] Decrypt(string? keyId, ReadOnlySpan<byte> sealedData)
    {
        if (keyId is null || !_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"Data encrypted under key {keyId}, which this server does not hold.");
        }
        if (sealedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Encrypted value is too short.");
        }
        var plain = new byte[sealedData.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedData[..NonceSize], sealedData[(NonceSize + TagSize)..], sealedData.Slice(NonceSize, TagSize), plain);
        return plain;
    }

    /// <summary>Encrypts a text under the active key.</summary>
    public string Protect(string plain) =>
        ActiveTextPrefix + Convert.ToBase64String(Encrypt(Encoding.UTF8.GetBytes(plain)));

    /// <summary>Reads a stored text: decrypts it, or returns clear text written before encryption.</summary>
    public string Unprotect(string stored)
    {
        if (!stored.StartsWith(TextPrefix, StringComparison.Ordinal))
        {
            return stored;
        }
        var separator = stored.IndexOf(':', TextPrefix.Length);
        if (separator < 0)
        {
            throw new CryptographicException("Encrypted value has no key id.");
        }
        var keyId = stored[TextPrefix.Length..separator];
        return Encoding.UTF8.GetString(Decrypt(keyId, Convert.FromBase64String(stored[(separator + 1)..])));
    }

    private static string Fingerprint(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];
}
