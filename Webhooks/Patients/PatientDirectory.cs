using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Conversations;

namespace TwilioFeedback.Webhooks.Patients;

/// <summary>Finds patients by phone number (through its keyed hash), creating them on first contact.</summary>
public sealed class PatientDirectory(FeedbackDbContext db, PhoneHasher hasher, DataCipher cipher, TimeProvider clock, StatementBatcher statements)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>How long after sending a reminder a 1 or 2 still answers it.</summary>
    public static readonly TimeSpan ConfirmationWindow = TimeSpan.FromDays(3);

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

    /// <param name="phone">The number as <see cref="Normalize"/> gives it.</param>
    /// <param name="hash">Its keyed hash (<see cref="PhoneHasher"/>).</param>
    public async Task<PatientRecord> FindOrCreateByPhoneAsync(string phone, byte[] hash, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var externalId = NewExternalId();
        // One round trip whether the number is known or new: the patient as found, or else the row just inserted.
        // Two first messages at once from one number: the second insert waits for the first, does nothing and
        // gives no row (the first's row was not in its snapshot), so it reads the first's row then.
        var found = await statements.FirstRowAsync(db, FindOrCreateSql, ReadPatient, cancellationToken,
            FixedSql.Bytes(hash), FixedSql.Time(now - ConfirmationWindow), FixedSql.Text(externalId), FixedSql.Text(cipher.Protect(phone)), FixedSql.Time(now));
        return found
            ?? await FindAsync(hash, cancellationToken)
            ?? throw new InvalidOperationException("The patient just stored cannot be read back.");
    }

    // Constant texts (FixedSql): no LINQ query root for EF to build and compile. $1 is the phone's hash, $2 the start of
    // the confirmation window: a reminder waits for 1 or 2 while it was sent (or delivered) within it, asked for a
    // confirmation and has no answer yet.
    private const string FindSql = $"""
        SELECT p.id, p.external_id, p.preferred_language, p.opted_out_at IS NOT NULL AS opted_out,
               EXISTS (SELECT 1 FROM reminders AS r WHERE r.patient_id = p.id AND r.confirm AND r.responded_at IS NULL
                       AND r.sent_at > $2 AND r.status IN ('{ReminderStatus.Sent}', '{ReminderStatus.Delivered}')) AS awaiting
        FROM patients AS p WHERE p.phone_hash = $1 LIMIT 1
        """;

    // The INSERT runs only when the SELECT found no one, so a known number burns no identity value.
    private const string FindOrCreateSql = $"""
        WITH found AS ({FindSql}),
        created AS (
            INSERT INTO patients (external_id, phone, phone_hash, created_at, updated_at)
            SELECT $3, $4, $1, $5, $5 WHERE NOT EXISTS (SELECT 1 FROM found)
            ON CONFLICT (phone_hash) DO NOTHING
            RETURNING id, external_id)
        SELECT id, external_id, preferred_language, opted_out, awaiting FROM found
        UNION ALL
        SELECT id, external_id, NULL, false, false FROM created
        """;

    private static PatientRecord ReadPatient(NpgsqlDataReader row) => new(
        row.GetInt64(0), row.GetString(1), row.IsDBNull(2) ? null : Languages.FromCode(row.GetString(2)), row.GetBoolean(3), row.GetBoolean(4));

    /// <summary>
    /// The patient the hospital names (e.g. PAT123), created if new. A phone number given with it is
    /// linked, so that the patient's replies find them; a record that first wrote in under a generated
    /// id (TF…) takes the hospital's id.
    /// </summary>
    public async Task<Patient> FindOrCreateByExternalIdAsync(string externalId, string? phone, Language language, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var patient = await db.Patients.FirstOrDefaultAsync(p => p.ExternalId == externalId, cancellationToken);
        var hash = phone is null ? null : hasher.Hash(Normalize(phone));
        if (patient is null && hash is not null)
        {
            patient = await db.Patients.FirstOrDefaultAsync(p => p.PhoneHash == hash && p.ExternalId.StartsWith("TF"), cancellationToken);
            if (patient is not null)
            {
                patient.ExternalId = externalId;
            }
        }
        if (patient is null)
        {
            // Two first requests for one new patient at once: the second insert does nothing, both read the same row.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO patients (external_id, preferred_language, created_at, updated_at) VALUES ({externalId}, {language.Code()}, {now}, {now}) ON CONFLICT (external_id) DO NOTHING",
                cancellationToken);
            patient = await db.Patients.FirstAsync(p => p.ExternalId == externalId, cancellationToken);
        }
        if (hash is not null && patient.PhoneHash is null && !await db.Patients.AnyAsync(p => p.PhoneHash == hash, cancellationToken))
        {
            (patient.Phone, patient.PhoneHash, patient.UpdatedAt) = (Normalize(phone!), hash, now);
        }
        return patient;
    }

    /// <summary>The patient with this number's hash, or null: one statement, nothing encrypted or generated for a row not written.</summary>
    public Task<PatientRecord?> FindAsync(byte[] hash, CancellationToken cancellationToken) =>
        statements.FirstRowAsync(db, FindSql, ReadPatient, cancellationToken, FixedSql.Bytes(hash), FixedSql.Time(clock.GetUtcNow() - ConfirmationWindow));

    /// <summary>An id for a patient who wrote in before the hospital registered one: TF + 8 characters.</summary>
    public static string NewExternalId() =>
        "TF" + string.Concat(Enumerable.Range(0, 8).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]));
}
