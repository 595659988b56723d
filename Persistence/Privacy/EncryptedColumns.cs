using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace TwilioFeedback.Persistence.Privacy;

/// <summary>Gives the model the cipher its patient-data columns are encrypted with.</summary>
public static class EncryptedColumns
{
    public static DbContextOptionsBuilder UseDataCipher(this DbContextOptionsBuilder options, DataCipher cipher)
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new CipherExtension(cipher));
        return options;
    }

    public static DbContextOptionsBuilder<TContext> UseDataCipher<TContext>(this DbContextOptionsBuilder<TContext> options, DataCipher cipher)
        where TContext : DbContext
    {
        ((DbContextOptionsBuilder)options).UseDataCipher(cipher);
        return options;
    }

    /// <summary>A converter that encrypts on the way in and decrypts on the way out (nulls stay null).</summary>
    internal static ValueConverter Converter(DataCipher cipher) =>
        new ValueConverter<string, string>(plain => cipher.Protect(plain), stored => cipher.Unprotect(stored));

    internal static DataCipher? Find(DbContextOptions options) => options.FindExtension<CipherExtension>()?.Cipher;

    /// <summary>
    /// Carries the cipher in the context's options. A different key ring gets its own internal service
    /// provider, and so its own model, since the model holds the converters.
    /// </summary>
    private sealed class CipherExtension(DataCipher cipher) : IDbContextOptionsExtension
    {
        public DataCipher Cipher => cipher;

        public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

        public void ApplyServices(IServiceCollection services)
        {
        }

        public void Validate(IDbContextOptions options)
        {
        }

        private sealed class ExtensionInfo(CipherExtension extension) : DbContextOptionsExtensionInfo(extension)
        {
            public override bool IsDatabaseProvider => false;

            public override string LogFragment => "DataCipher ";

            public override int GetServiceProviderHashCode() => StringComparer.Ordinal.GetHashCode(extension.Cipher.KeyRing);

            public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
                other is ExtensionInfo info && info.Extension is CipherExtension theirs && theirs.Cipher.KeyRing == extension.Cipher.KeyRing;

            public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
                debugInfo["DataCipher:KeyRing"] = StringComparer.Ordinal.GetHashCode(extension.Cipher.KeyRing).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
