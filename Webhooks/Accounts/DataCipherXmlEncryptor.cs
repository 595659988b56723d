using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// Data-protection keys at rest in PostgreSQL: each key's XML is sealed by our <see cref="DataCipher"/>
/// (AES-256-GCM under the active patient-data key), so a database dump alone cannot forge cookies.
/// </summary>
public sealed class DataCipherXmlEncryptor(DataCipher cipher) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement("sealed", cipher.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting))), typeof(DataCipherXmlDecryptor));
}

/// <summary>Opens what <see cref="DataCipherXmlEncryptor"/> sealed (created by the data-protection system with the services).</summary>
public sealed class DataCipherXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<DataCipher>().Unprotect(encryptedElement.Value));
}
