using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using TwilioFeedback.Conversations;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Api;

namespace TwilioFeedback.Webhooks.Patients;

/// <summary>A patient as staff see it: contact details masked.</summary>
public sealed record PatientResponse(
    string PatientId, string? PreferredLanguage, bool OptedOut, DateTimeOffset? OptedOutAt, string? Phone, string? Email, int FeedbackCount,
    DateTimeOffset CreatedAt, IReadOnlyList<string>? Channels = null);

/// <summary>What staff may change; a field left out stays as it is.</summary>
public sealed record PatientUpdate(string? PreferredLanguage, bool? OptedOut, string? PhoneNumber, string? Email = null, IReadOnlyList<string>? Channels = null);

/// <summary>Patients: read, change (language, opt-out, number), erase (admin), and the audit log (admin).</summary>
public static class PatientEndpoints
{
    public static IEndpointRouteBuilder MapPatients(this IEndpointRouteBuilder app)
    {
        var patients = app.MapGroup("/api/v1/patients").WithTags("Patients")
            .RequireAuthorization(StaffAuth.StaffPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        patients.MapGet("/{patientId}", GetAsync).WithName("GetPatient");
        patients.MapPut("/{patientId}", PutAsync).WithName("UpdatePatient");
        patients.MapDelete("/{patientId}", EraseAsync).WithName("ErasePatient").RequireAuthorization(StaffAuth.AdminPolicy);
        app.MapGet("/api/v1/audit", AuditAsync).WithTags("Patients").WithName("AuditLog")
            .RequireAuthorization(StaffAuth.AdminPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        return app;
    }

    internal static async Task<Results<Ok<PatientResponse>, ProblemHttpResult>> GetAsync(
        string patientId, ClaimsPrincipal user, FeedbackDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        var patient = await db.Patients.AsNoTracking().FirstOrDefaultAsync(p => p.ExternalId == patientId, cancellationToken);
        if (patient is null)
        {
            return NotFound(patientId);
        }
        await audit.RecordAsync(user, "read", $"patient {patientId}", cancellationToken);
        return TypedResults.Ok(await ToResponseAsync(db, patient, cancellationToken));
    }

    internal static async Task<Results<Ok<PatientResponse>, ProblemHttpResult, ValidationProblem>> PutAsync(
        string patientId, PatientUpdate update, ClaimsPrincipal user, FeedbackDbContext db, PhoneHasher hasher, PatientCache cache, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var patient = await db.Patients.FirstOrDefaultAsync(p => p.ExternalId == patientId, cancellationToken);
        if (patient is null)
        {
            return NotFound(patientId);
        }
        var previousPhoneHash = patient.PhoneHash;
        var errors = new Dictionary<string, string[]>();
        if (update.PreferredLanguage is not null)
        {
            patient.PreferredLanguage = ApiFields.Language(update.PreferredLanguage, errors).Code();
        }
        if (update.PhoneNumber is not null)
        {
            // The same parsing as reminders: E.164 or a 400 naming the field, nothing stored half-checked.
            if (ApiFields.PhoneNumber(update.PhoneNumber, errors) is { } phone)
            {
                var hash = hasher.Hash(phone);
                if (await db.Patients.AnyAsync(p => p.PhoneHash == hash && p.Id != patient.Id, cancellationToken))
                {
                    errors["phone_number"] = ["phone_number is used by another patient."];
                }
                (patient.Phone, patient.PhoneHash) = (phone, hash);
            }
            else
            {
                errors.TryAdd("phone_number", ["phone_number is required to be a valid number."]);
            }
        }
        if (update.Email is not null)
        {
            var email = ApiFields.Email(update.Email, errors, " (empty removes it)");
            if (email is not null || string.IsNullOrWhiteSpace(update.Email))
            {
                patient.Email = email;
            }
        }
        if (update.Channels is not null)
        {
            var channels = update.Channels.Select(c => c?.Trim().ToLowerInvariant() ?? "").Distinct().ToList();
            if (channels.Any(c => ReminderChannels.FromName(c) is null))
            {
                errors["channels"] = ["channels may list sms, whatsapp, voice and email, in order of preference."];
            }
            patient.Channels = channels;
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var now = clock.GetUtcNow();
        if (update.OptedOut is { } optedOut)
        {
            patient.OptedOutAt = optedOut ? patient.OptedOutAt ?? now : null;
        }
        patient.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(user, "change", $"patient {patientId}", cancellationToken);
        // The copy conversations read (language, opt-out) is dropped, under the old number and the new
        // (should Redis fail here, the change and its audit are saved, and the same PUT again is harmless).
        foreach (var phoneHash in new[] { previousPhoneHash, patient.PhoneHash }.OfType<byte[]>())
        {
            await cache.ForgetAsync(phoneHash);
        }
        return TypedResults.Ok(await ToResponseAsync(db, patient, cancellationToken));
    }

    /// <summary>Erases personal data and recordings; anonymous ratings stay for the statistics.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> EraseAsync(
        string patientId, ClaimsPrincipal user, FeedbackDbContext db, PatientCache cache, PendingEffects pending, IConversationStore conversations,
        AuditLog audit, ReminderTransitions reminders, TimeProvider clock, CancellationToken cancellationToken)
    {
        var patient = await db.Patients.FirstOrDefaultAsync(p => p.ExternalId == patientId, cancellationToken);
        if (patient is null)
        {
            return NotFound(patientId);
        }
        var erasedPhoneHash = patient.PhoneHash;
        if (erasedPhoneHash is not null)
        {
            await cache.ForgetAsync(erasedPhoneHash); // the copy kept in Redis for conversations and PostgreSQL outages
        }
        // Before the rows are erased: a held comment drained afterwards would bring the patient's words back.
        await pending.ForgetPatientAsync(patient.Id);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var recordings = db.Feedbacks.Where(f => f.PatientId == patient.Id && f.VoiceRecordingId != null).Select(f => f.VoiceRecordingId);
        await db.VoiceRecordings.Where(r => recordings.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
        await db.Feedbacks.Where(f => f.PatientId == patient.Id).ExecuteUpdateAsync(s => s
            .SetProperty(f => f.Content, (string?)null).SetProperty(f => f.Transcript, (string?)null).SetProperty(f => f.Translation, (string?)null), cancellationToken);
        await db.FeedbackCorrections.Where(c => db.Feedbacks.Any(f => f.Id == c.FeedbackId && f.PatientId == patient.Id)).ExecuteDeleteAsync(cancellationToken);
        await reminders.CancelAllOfPatientAsync(patient.Id, cancellationToken);
        await db.Reminders.Where(r => r.PatientId == patient.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.PhoneNumber, (string?)null).SetProperty(r => r.Email, (string?)null).SetProperty(r => r.Message, "[erased]"), cancellationToken);
        if (erasedPhoneHash is not null)
        {
            await db.CallBacks.Where(c => c.PhoneHash == erasedPhoneHash).ExecuteDeleteAsync(cancellationToken); // call me back's rows hold the number
        }
        (patient.Phone, patient.PhoneHash, patient.Email, patient.ExternalId, patient.UpdatedAt) = (null, null, null, $"ERASED-{patient.Id}", now);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(user, "erase", $"patient {patientId}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // A message that came in meanwhile may have copied the patient again; and their open conversations go too.
        try
        {
            if (erasedPhoneHash is not null)
            {
                await cache.ForgetAsync(erasedPhoneHash);
            }
            var subject = patient.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await conversations.DeleteAsync(Channel.Sms, subject);
            await conversations.DeleteAsync(Channel.WhatsApp, subject);
            await conversations.DeleteAsync(Channel.Ussd, subject); // kept per patient across sessions, to resume one
        }
        catch (RedisException)
        {
            // Erased in PostgreSQL already (a second DELETE would find no patient): what is left expires with its time to live.
        }
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<List<AuditResponse>>> AuditAsync(FeedbackDbContext db, CancellationToken cancellationToken, int limit = 100) =>
        TypedResults.Ok(await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).Take(Math.Clamp(limit, 1, 1000))
            .Select(a => new AuditResponse(a.At, a.Actor, a.Action, a.Target)).ToListAsync(cancellationToken));

    private static async Task<PatientResponse> ToResponseAsync(FeedbackDbContext db, Patient p, CancellationToken cancellationToken) => new(
        p.ExternalId, Languages.FromCode(p.PreferredLanguage)?.SeedName(), p.OptedOutAt is not null, p.OptedOutAt,
        p.Phone is null ? null : Mask.Phone(p.Phone), p.Email is null ? null : MaskEmail(p.Email),
        await db.Feedbacks.CountAsync(f => f.PatientId == p.Id, cancellationToken), p.CreatedAt, p.Channels.Count > 0 ? p.Channels : null);

    private static string MaskEmail(string email) => email.IndexOf('@') is var at and > 1 ? email[0] + new string('•', at - 1) + email[at..] : "•••";

    private static ProblemHttpResult NotFound(string patientId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No patient {patientId}.");
}
