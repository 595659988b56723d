using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Patients;

/// <summary>
/// The patient behind a phone number, remembered in Redis (keyed by the phone's keyed hash, never the
/// number). A copy younger than <see cref="PendingEffectsOptions.PatientCacheFreshFor"/> answers without
/// PostgreSQL (the conversation store reads it in the same round trip as the message's claim); an older
/// one is refreshed from PostgreSQL, and still carries a conversation on while PostgreSQL is down.
/// A patient never seen before cannot be created then: the outage handler answers them politely.
/// Whatever changes a patient's language, opt-out or waiting reminder drops or rewrites the copy.
/// </summary>
public sealed class PatientCache(
    PatientDirectory directory,
    PhoneHasher hasher,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<PendingEffectsOptions> options,
    TimeProvider clock) : IPatientCopies
{
    // One message's number is normalised and hashed once (this is a scoped service: one request, one number).
    private (string Address, string Phone, byte[] Hash, string Key)? _identity;

    private (string Address, string Phone, byte[] Hash, string Key) Identify(string address)
    {
        if (_identity is not { } known || known.Address != address)
        {
            var phone = PatientDirectory.Normalize(address);
            var hash = hasher.Hash(phone);
            _identity = known = (address, phone, hash, Key(hash));
        }
        return known;
    }

    /// <summary>The Redis key of the copy for <paramref name="address"/>.</summary>
    public string KeyFor(string address) => Identify(address).Key;

    private string Key(byte[] phoneHash) => keys.Patient(phoneHash)!;

    /// <summary>Drops the copy of a patient whose record changed elsewhere (or was erased).</summary>
    public Task ForgetAsync(byte[] phoneHash) => redis.GetDatabase().KeyDeleteAsync(Key(phoneHash));

    Task IPatientCopies.ChangedAsync(byte[]? phoneHash) => phoneHash is null ? Task.CompletedTask : ForgetAsync(phoneHash);

    /// <param name="cached">The copy as read with the message's claim (<see cref="KeyFor"/>), if there was one.</param>
    /// <param name="trustCopy">
    /// False for a message that could answer a reminder (1, 2, yes, no…): whether one waits is asked of
    /// PostgreSQL every time, so that no copy — stale by a race with the dispatcher, a Redis hiccup or an
    /// older server — can turn a confirmation into a rating.
    /// </param>
    public async Task<PatientRecord> FindOrCreateByPhoneAsync(string address, byte[]? cached, bool trustCopy, CancellationToken cancellationToken)
    {
        var copy = cached is null ? null : JsonSerializer.Deserialize(cached, PendingJson.Default.PatientRecord);
        var now = clock.GetUtcNow();
        if (trustCopy && copy?.ReadAt is { } readAt && now - readAt < options.Value.PatientCacheFreshFor)
        {
            return copy;
        }
        PatientRecord patient;
        try
        {
            // Stamped with the time it was read: a copy rewritten later (after the patient's own changes)
            // keeps that time, so its trust never outlasts the read it came from.
            var (_, phone, hash, _) = Identify(address);
            // A copy (even a stale one) says the patient exists: read them, rather than pay the new row's encryption and id for nothing.
            var found = copy is null ? null : await directory.FindAsync(hash, cancellationToken);
            patient = (found ?? await directory.FindOrCreateByPhoneAsync(phone, hash, cancellationToken)) with { ReadAt = now };
        }
        catch (Exception exception) when (Outage.IsDatabase(exception) && copy is not null)
        {
            return copy! with { ReadAt = null };
        }
        Remember(address, patient);
        return patient;
    }

    /// <summary>
    /// Keeps <paramref name="patient"/> as the copy for <paramref name="address"/>: trusted for a while
    /// when it is what PostgreSQL has (or is about to have), else only for outages. A patient with a
    /// reminder waiting for 1 or 2 is never answered from the copy: the wait ends with time, and the
    /// answer must reach the right reminder.
    /// </summary>
    // Not awaited: the reply does not wait on the copy.
    public void Remember(string address, PatientRecord patient, bool trusted = true) =>
        redis.GetDatabase().StringSet(KeyFor(address),
            JsonSerializer.SerializeToUtf8Bytes(patient with { ReadAt = trusted && !patient.AwaitingConfirmation ? patient.ReadAt : null }, PendingJson.Default.PatientRecord),
            options.Value.PatientCacheTimeToLive, flags: CommandFlags.FireAndForget);
}
