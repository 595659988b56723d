using TwilioFeedback.Scheduling;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Reminders;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Web.Studio;
using Channel = TwilioFeedback.Conversations.Channel;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>The seed's reminder body, plus channels and urgency.</summary>
public sealed record ReminderRequest(
    string? PatientId, string? Message, string? Language, string? ScheduledTime, string? PhoneNumber, string? Email,
    IReadOnlyList<string>? Channels, bool? Urgent, string? Template, Dictionary<string, string>? Parameters, bool? Confirm,
    RecurrenceRequest? Recurrence, string? Kind);

/// <summary>Repeat a reminder daily or weekly, <c>count</c> times in all or until a time (at most 100 occurrences).</summary>
public sealed record RecurrenceRequest(string? Frequency, int? Count, string? Until);

/// <summary>Changes allowed before a reminder is sent.</summary>
public sealed record ReminderPatch(string? Message, string? ScheduledTime, bool? Urgent);

public sealed record DeliveryAttemptResponse(string Channel, string Outcome, string? ProviderId, string? Error, DateTimeOffset AttemptedAt);

public sealed record ReminderResponse(
    long Id, string PatientId, string Message, string Language, DateTimeOffset ScheduledTime, string? PhoneNumber, string? Email,
    string Status, IReadOnlyList<string> Channels, bool Urgent, int Attempts, string? ProviderId, string? Reason, int SmsSegments,
    string Kind, bool Confirm, long? SeriesId, IReadOnlyList<DeliveryAttemptResponse>? DeliveryAttempts = null, int? Occurrences = null);

public sealed record ReminderPage(IReadOnlyList<ReminderResponse> Items, string? NextCursor);

/// <summary>Reminders through the REST API: schedule, list, read, reschedule, cancel.</summary>
public static class ReminderEndpoints
{
    public const int MaxMessageLength = 1600;
    public const int MaxOccurrences = 100;
    private static readonly TimeSpan PastGrace = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapReminderApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/api/reminders", CreateAsync).WithTags("Reminders").WithName("CreateReminderSeed").RequireAuthorization(StaffAuth.StaffPolicy)
            .RequireRateLimiting(RateLimitOptions.ApiPolicy);
        var v1 = api.MapGroup("/api/v1/reminders").WithTags("Reminders").RequireAuthorization(StaffAuth.StaffPolicy)
            .RequireRateLimiting(RateLimitOptions.ApiPolicy).WithETags();
        v1.MapPost("/", CreateAsync).WithName("CreateReminder");
        v1.MapGet("/", ListAsync).WithName("ListReminders");
        v1.MapGet("/{id:long}", GetAsync).WithName("GetReminder");
        v1.MapPost("/{id:long}/cancel", CancelAsync).WithName("CancelReminder");
        v1.MapPatch("/{id:long}", PatchAsync).WithName("EditReminder");
        return api;
    }

    internal static async Task<Results<Created<ReminderResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ReminderRequest request, FeedbackDbContext db, PatientDirectory patients, PatientTexts texts, StudioCatalogue studio, TimeProvider clock, SchedulingMetrics metrics, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var patientId = ApiFields.PatientId(request.PatientId, errors);
        var language = ApiFields.Language(request.Language, errors);
        var kind = request.Kind ?? ReminderKinds.Reminder;
        if (kind is not (ReminderKinds.Reminder or ReminderKinds.FeedbackInvite))
        {
            errors["kind"] = ["kind must be reminder or feedback_invite."];
        }
        var message = ComposeMessage(request, kind, language, texts, errors);
        var scheduled = ParseTime(request.ScheduledTime, now, errors, "scheduled_time");
        var phone = ApiFields.PhoneNumber(request.PhoneNumber, errors);
        var email = ApiFields.Email(request.Email, errors);
        var channels = request.Channels?.Select(c => c?.Trim().ToLowerInvariant() ?? "").Distinct().ToList()
            ?? (phone is not null ? [ReminderChannel.Sms.Name()] : email is not null ? [ReminderChannel.Email.Name()] : []);
        var known = channels.ConvertAll(ReminderChannels.FromName);
        if (known.Count == 0 || known.Contains(null))
        {
            errors["channels"] = ["channels must list sms, whatsapp, voice or email (and a phone_number or email must be given)."];
        }
        else if (known.Any(c => c!.Value.UsesPhone()) && phone is null)
        {
            errors["phone_number"] = ["phone_number is required for sms, whatsapp and voice."];
        }
        var occurrences = scheduled is { } first ? Occurrences(first, request.Recurrence, errors) : [];
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var patient = await patients.FindOrCreateByExternalIdAsync(patientId!, phone, language, cancellationToken);
        if (request.Channels is null && patient.Channels.Count > 0)
        {
            // No channels asked for: the patient's own preference, where this reminder has the address for it.
            var preferred = patient.Channels.Where(c => ReminderChannels.FromName(c) == ReminderChannel.Email ? email is not null : phone is not null).ToList();
            channels = preferred.Count > 0 ? preferred : channels;
        }
        // A language not live on every channel of the reminder goes out in its fallback, as conversations answer; the row says which.
        var sentIn = studio.ServeOnAll(language, channels.Select(StudioReminderLanguages.OfReminder));
        if (sentIn != language)
        {
            message = ComposeMessage(request, kind, sentIn, texts, errors);
        }
        var series = occurrences.Select(time => new Reminder
        {
            Patient = patient,
            Message = message!,
            Language = sentIn.Code(),
            ScheduledTime = time,
            PhoneNumber = phone,
            Email = email,
            Channels = channels,
            Status = ReminderStatus.Scheduled,
            Urgent = request.Urgent ?? false,
            Kind = kind,
            // A feedback invite without words of its own is the invite template, written again when it goes (and said by keypad on a call).
            Template = TemplateOf(request, kind),
            // Kept so the text is written again in the patient's language of the day when it goes.
            TemplateValues = request.Template is null ? null : ReminderWording.Keep(Cleaned(request.Parameters)),
            Confirm = request.Confirm ?? false,
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Reminders.AddRange(series);
        await db.SaveChangesAsync(cancellationToken);
        if (series.Count > 1)
        {
            series.ForEach(r => r.SeriesId = series[0].Id);
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        metrics.ReminderTransitions(ReminderStatus.Scheduled, series.Count);
        var created = ToResponse(series[0], patient.ExternalId) with { Occurrences = series.Count };
        return TypedResults.Created($"/api/v1/reminders/{series[0].Id}", created);
    }

    internal static async Task<Results<Ok<ReminderResponse>, ProblemHttpResult>> GetAsync(long id, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var reminder = await db.Reminders.AsNoTracking().Include(r => r.Patient).Include(r => r.DeliveryAttempts).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return reminder is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No reminder {id}.")
            : TypedResults.Ok(ToResponse(reminder, reminder.Patient.ExternalId, withAttempts: true));
    }

    internal static async Task<Results<Ok<ReminderPage>, ValidationProblem>> ListAsync(
        FeedbackDbContext db, CancellationToken cancellationToken, string? status = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "patient_id")] string? patientId = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? cursor = null, int limit = 20)
    {
        if (limit is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be from 1 to 100."] });
        }
        var query = db.Reminders.AsNoTracking().Include(r => r.Patient).AsQueryable();
        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }
        if (patientId is not null)
        {
            query = query.Where(r => r.Patient.ExternalId == patientId);
        }
        if (from is { } f)
        {
            query = query.Where(r => r.ScheduledTime >= f.ToUniversalTime());
        }
        if (to is { } t)
        {
            query = query.Where(r => r.ScheduledTime < t.ToUniversalTime());
        }
        if (cursor is { } c)
        {
            query = query.Where(r => r.Id < c);
        }
        var rows = await query.OrderByDescending(r => r.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(r => ToResponse(r, r.Patient.ExternalId)).ToList();
        return TypedResults.Ok(new ReminderPage(items, rows.Count > limit ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }

    internal static async Task<Results<Ok<ReminderResponse>, ProblemHttpResult>> CancelAsync(long id, FeedbackDbContext db, ReminderTransitions transitions, CancellationToken cancellationToken)
    {
        // Conditional: a dispatcher whose claim still holds (sending, lease not passed) wins the race.
        var changed = await transitions.CancelAsync(id, cancellationToken);
        return await AfterChangeAsync(id, changed, db, cancellationToken, "only a scheduled reminder, or one stuck sending after its lease, can be cancelled");
    }

    internal static async Task<Results<Ok<ReminderResponse>, ProblemHttpResult, ValidationProblem>> PatchAsync(
        long id, ReminderPatch patch, FeedbackDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var scheduled = patch.ScheduledTime is null ? null : ParseTime(patch.ScheduledTime, now, errors, "scheduled_time");
        if (patch.Message is { } message && (string.IsNullOrWhiteSpace(message) || message.Length > MaxMessageLength))
        {
            errors["message"] = [$"message must have 1 to {MaxMessageLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var changed = await db.Reminders.Where(r => r.Id == id && r.Status == ReminderStatus.Scheduled)
            .ExecuteUpdateAsync(s =>
            {
                // The message is encrypted: it is set only when given, never computed in SQL.
                if (patch.Message is { } text)
                {
                    s.SetProperty(r => r.Message, text.Trim());
                }
                if (scheduled is { } time)
                {
                    s.SetProperty(r => r.ScheduledTime, time);
                }
                if (patch.Urgent is { } urgent)
                {
                    s.SetProperty(r => r.Urgent, urgent);
                }
                s.SetProperty(r => r.UpdatedAt, now);
            }, cancellationToken);
        var after = await AfterChangeAsync(id, changed, db, cancellationToken);
        return after.Result is Ok<ReminderResponse> ok ? ok : (ProblemHttpResult)after.Result;
    }

    private static async Task<Results<Ok<ReminderResponse>, ProblemHttpResult>> AfterChangeAsync(
        long id, int changed, FeedbackDbContext db, CancellationToken cancellationToken, string refused = "only a scheduled reminder can be changed")
    {
        var reminder = await db.Reminders.AsNoTracking().Include(r => r.Patient).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (reminder is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No reminder {id}.");
        }
        return changed == 1
            ? TypedResults.Ok(ToResponse(reminder, reminder.Patient.ExternalId))
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Reminder {id} is {reminder.Status}: {refused}.");
    }

    /// <summary>The template named, or for a feedback invite without a message the invite's own.</summary>
    private static string? TemplateOf(ReminderRequest request, string kind) =>
        request.Template ?? (kind == ReminderKinds.FeedbackInvite && string.IsNullOrWhiteSpace(request.Message) ? AppointmentTexts.FeedbackInvite : null);

    /// <summary>The text sent: the message, or a template in the patient's language; with the 1/2 question when confirming.</summary>
    private static string? ComposeMessage(ReminderRequest request, string kind, Language language, PatientTexts texts, Dictionary<string, string[]> errors)
    {
        var templateName = TemplateOf(request, kind);
        string? message;
        if (templateName is not null)
        {
            if (!MessageKeys.Templates.TryGetValue(templateName, out var template))
            {
                errors["template"] = [$"template must be one of {string.Join(", ", MessageKeys.Templates.Keys)}."];
                return null;
            }
            var parameters = request.Parameters ?? [];
            var missing = template.Parameters.Where(p => string.IsNullOrWhiteSpace(parameters.GetValueOrDefault(p))).ToList();
            if (missing.Count > 0)
            {
                errors["parameters"] = [$"template {templateName} needs: {string.Join(", ", missing)}."];
                return null;
            }
            message = Placeholders.Fill(texts.Get(template.Key, language), Cleaned(parameters));
        }
        else if (string.IsNullOrWhiteSpace(request.Message))
        {
            errors["message"] = ["message (or template) is required."];
            return null;
        }
        else
        {
            message = request.Message.Trim();
        }
        if (request.Confirm == true)
        {
            message += " " + texts.Get(MessageKeys.ReminderConfirmPrompt, language);
        }
        if (message.Length > MaxMessageLength)
        {
            errors["message"] = [$"message holds at most {MaxMessageLength} characters."];
            return null;
        }
        return SafeText.Clean(message, MaxMessageLength);
    }

    private static Dictionary<string, string> Cleaned(Dictionary<string, string>? parameters) =>
        (parameters ?? []).ToDictionary(p => p.Key, p => SafeText.Clean(p.Value ?? "", 100));

    /// <summary>Every time the reminder goes out: once, or daily/weekly by count or until a time.</summary>
    private static List<DateTimeOffset> Occurrences(DateTimeOffset first, RecurrenceRequest? recurrence, Dictionary<string, string[]> errors)
    {
        if (recurrence is null)
        {
            return [first];
        }
        var step = recurrence.Frequency switch { "daily" => TimeSpan.FromDays(1), "weekly" => TimeSpan.FromDays(7), _ => TimeSpan.Zero };
        var until = recurrence.Until is null ? (DateTimeOffset?)null : ParseTime(recurrence.Until, first, errors, "recurrence.until");
        if (step == TimeSpan.Zero || (recurrence.Count is null && until is null) || recurrence.Count is < 1 or > MaxOccurrences)
        {
            errors["recurrence"] = [$"recurrence needs frequency daily or weekly and a count (1 to {MaxOccurrences}) or an until time."];
            return [];
        }
        var times = new List<DateTimeOffset>();
        for (var time = first; times.Count < (recurrence.Count ?? MaxOccurrences) && (until is null || time <= until); time += step)
        {
            times.Add(time);
        }
        if (until is not null && recurrence.Count is null && first + (step * MaxOccurrences) <= until)
        {
            errors["recurrence"] = [$"recurrence produces more than {MaxOccurrences} occurrences."];
        }
        return times;
    }

    private static DateTimeOffset? ParseTime(string? value, DateTimeOffset now, Dictionary<string, string[]> errors, string field)
    {
        // An offset is required: "09:00" means nothing without knowing whose 09:00.
        if (string.IsNullOrWhiteSpace(value) || !(value.EndsWith('Z') || System.Text.RegularExpressions.Regex.IsMatch(value, @"[+-]\d{2}:?\d{2}$"))
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            errors[field] = [$"{field} must be an ISO-8601 time with an offset, e.g. 2026-12-01T09:00:00+01:00."];
            return null;
        }
        if (time < now - PastGrace)
        {
            errors[field] = [$"{field} is in the past."];
            return null;
        }
        return time.ToUniversalTime();
    }

    private static ReminderResponse ToResponse(Reminder r, string patientId, bool withAttempts = false) => new(
        r.Id, patientId, r.Message, Languages.FromCode(r.Language)?.SeedName() ?? r.Language, r.ScheduledTime, r.PhoneNumber, r.Email,
        r.Status, r.Channels, r.Urgent, r.Attempts, r.ProviderId, r.Reason, SmsSegments.Count(r.Message).Segments,
        r.Kind, r.Confirm, r.SeriesId,
        withAttempts ? [.. r.DeliveryAttempts.OrderBy(a => a.Id).Select(a => new DeliveryAttemptResponse(a.Channel, a.Outcome, a.ProviderId, a.Error, a.AttemptedAt))] : null);
}
