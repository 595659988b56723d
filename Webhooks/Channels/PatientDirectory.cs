using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Webhooks.Channels;

/// <summary>The patient behind a conversation, as the engine and the effects need it.</summary>
public sealed record PatientRecord(long Id, string ExternalId, Language? PreferredLanguage, bool OptedOut)
{
    public PatientSnapshot Snapshot => new(PreferredLanguage, OptedOut);

    /// <summary>Names the patient in Redis keys without the phone number.</summary>
    public string Subject => Id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Finds patients by phone number (through its keyed hash), creating them on first contact.</summary>
public sealed class PatientDirectory(FeedbackDbContext db, PhoneHasher hasher, TimeProvider clock)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Longest address kept (E.164 is at most 16 characters; SIP or client names may be longer).</summary>
    public const int MaxAddressLength = 32;

    /// <summary>The same person whatever the gateway sends: <c>+237677…</c>, <c>237677…</c> or <c>677…</c> (Cameroon assumed).</summary>
    public static string Normalize(string address)
    {
        var trimmed = address.Trim();
        if (trimmed.Length is > 0 and <= 20 && trimmed.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-'))
        {
            try
            {
                var util = PhoneNumbers.PhoneNumberUtil.GetInstance();
                var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
                var number = util.Parse(trimmed.StartsWith('+') || digits.Length <= 9 ? trimmed : "+" + digits, "CM");
                if (util.IsValidNumber(number))
                {
                    return util.Format(number, PhoneNumbers.PhoneNumberFormat.E164);
                }
            }
            catch (PhoneNumbers.NumberParseException)
            {
            }
        }
        return trimmed;
    }

    public async Task<PatientRecord> FindOrCreateByPhoneAsync(string address, CancellationToken cancellationToken)
    {
        var phone = Normalize(address);
        var hash = hasher.Hash(phone);
        if (await FindAsync(hash, cancellationToken) is { } found)
        {
            return found;
        }
        var now = clock.GetUtcNow();
        // Two first messages at once from one number: the second insert does nothing.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO patients (external_id, phone, phone_hash, created_at, updated_at) VALUES ({NewExternalId()}, {phone}, {hash}, {now}, {now}) ON CONFLICT (phone_hash) DO NOTHING",
            cancellationToken);
        return await FindAsync(hash, cancellationToken) ?? throw new InvalidOperationException("The patient just stored cannot be read back.");
    }

    private async Task<PatientRecord?> FindAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var row = await db.Patients.AsNoTracking()
            .Where(p => p.PhoneHash == hash)
            .Select(p => new { p.Id, p.ExternalId, p.PreferredLanguage, p.OptedOutAt })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new PatientRecord(row.Id, row.ExternalId, Languages.FromCode(row.PreferredLanguage), row.OptedOutAt is not null);
    }

    /// <summary>An id for a patient who wrote in before the hospital registered one: TF + 8 characters.</summary>
    public static string NewExternalId() =>
        "TF" + string.Concat(Enumerable.Range(0, 8).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]));
}
