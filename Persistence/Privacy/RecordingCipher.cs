using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Persistence.Privacy;

/// <summary>
/// AES-256-GCM for recordings at rest. The key is derived from the server's secret (HKDF), and its id
/// is stored with each value so that a later key can re-encrypt in the background.
/// </summary>
public sealed class RecordingCipher(IOptions<SecurityOptions> options)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.Value.SecretKey), 32, info: "recordings-v1"u8.ToArray());

    /// <summary>Names the key without revealing it.</summary>
    public string KeyId => "k1-" + Convert.ToHexStringLower(SHA256.HashData(_key))[..8];

    public byte[] Encrypt(ReadOnlySpan<byte> plain)
    {
        var sealedData = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedData.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedData.AsSpan(NonceSize + TagSize), sealedData.AsSpan(NonceSize, TagSize));
        return sealedData;
    }

    public byte[] Decrypt(string? keyId, ReadOnlySpan<byte> sealedData)
    {
        if (keyId != KeyId)
        {
            throw new CryptographicException($"Recording encrypted under key {keyId}, which this server does not hold.");
        }
        var plain = new byte[sealedData.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedData[..NonceSize], sealedData[(NonceSize + TagSize)..], sealedData.Slice(NonceSize, TagSize), plain);
        return plain;
    }
}
