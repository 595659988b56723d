using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Voice;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>
/// The studio's recordings (translators and admins): a take is uploaded as a draft, checked and
/// levelled by <see cref="RecordingAudio"/>, and played to callers only once someone other than its
/// author approves it; the approved take keeps playing while a newer draft waits.
/// </summary>
public static partial class RecordingEndpoints
{
    /// <summary>Largest take accepted: 2 MiB.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    public static IEndpointRouteBuilder MapStudioRecordings(this IEndpointRouteBuilder app)
    {
        var studio = new AuthorizationPolicyBuilder(StaffAuth.Scheme).RequireRole(StaffRoles.Translator, StaffRoles.Admin).Build();
        var api = app.MapGroup("/api/v1/studio/recordings").WithTags("Studio: recordings").RequireAuthorization(studio);
        api.MapGet("/{language}", ListAsync).WithName("ListRecordings");
        api.MapPut("/{language}/{key}", UploadAsync).WithName("UploadRecording").DisableAntiforgery();
        api.MapGet("/{language}/{key}/draft", (string language, string key, HttpContext context, FeedbackDbContext db, PatientTexts texts, CancellationToken cancellationToken) =>
            AudioAsync(language, key, PromptRecordingStatus.Draft, context, db, texts, cancellationToken)).WithName("ListenToDraft");
        api.MapGet("/{language}/{key}/approved", (string language, string key, HttpContext context, FeedbackDbContext db, PatientTexts texts, CancellationToken cancellationToken) =>
            AudioAsync(language, key, PromptRecordingStatus.Approved, context, db, texts, cancellationToken)).WithName("ListenToApproved");
        api.MapPost("/{language}/{key}/approve", ApproveAsync).WithName("ApproveRecording");

        // The page is served to anyone, like the dashboard: its API calls decide (sign-in page, or No access).
        app.MapGet("/studio/recordings", (HttpContext context, WebAssets assets) => assets.Serve(context, "studio-recordings.html")).ExcludeFromDescription();
        return app;
    }

    internal static async Task<Results<Ok<IReadOnlyList<RecordingItem>>, ProblemHttpResult>> ListAsync(
        string language, [AsParameters] VoiceServices voice, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var texts = voice.Texts;
        var prompts = voice.Prompts(typeof(RecordingEndpoints));
        var spoken = Languages.FromCode(language) is { } l and (Language.English or Language.French) ? l : (Language?)null;
        if (PromptEndpoints.Unknown(language, PromptCatalog.Keys[0]) is { } unknown)
        {
            return unknown;
        }
        // Reminder templates after the prompts, for the languages Twilio cannot speak.
        IReadOnlyList<string> reminders = IsReminderTemplate(language, MessageKeys.VoiceReminderTemplates[0]) ? MessageKeys.VoiceReminderTemplates : [];
        var takes = await db.PromptRecordings.AsNoTracking()
            .Where(p => p.Language == language && (p.Status == PromptRecordingStatus.Draft || p.Status == PromptRecordingStatus.Approved))
            .Select(p => new { p.Id, p.Key, p.Status, p.AuthorName, p.RecordedAt, p.DurationMs, p.ReviewerName, p.ApprovedAt })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RecordingItem>>([.. PromptCatalog.Keys.Concat(reminders).Select(key =>
        {
            var draft = takes.FirstOrDefault(t => t.Key == key && t.Status == PromptRecordingStatus.Draft);
            var approved = takes.FirstOrDefault(t => t.Key == key && t.Status == PromptRecordingStatus.Approved);
            var reminder = reminders.Contains(key);
            return new RecordingItem(key, RecordingPurposes.Of(key), texts.Get(key, Language.English), texts.Get(key, Language.French),
                draft is null ? null : new RecordingDraft(draft.Id, draft.AuthorName, draft.RecordedAt, draft.DurationMs),
                approved is null ? null : new RecordingApproved(approved.AuthorName, approved.ReviewerName, approved.ApprovedAt, approved.DurationMs),
                spoken is { } speaks ? SayTwiml(prompts.Say(texts.Get(key, speaks), speaks)) : null,
                reminder ? RecordingItem.Reminder : RecordingItem.Prompt,
                reminder ? [.. Placeholders.Of(texts.FromResources(key, Language.English)).Order(StringComparer.Ordinal)] : null);
        })]);
    }

    internal static async Task<Results<Ok<RecordingUploaded>, ProblemHttpResult>> UploadAsync(
        string language, string key, HttpRequest request, ClaimsPrincipal user, FeedbackDbContext db, PatientTexts texts, TimeProvider clock,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (Refused(language, key, texts) is { } unknown)
        {
            return unknown;
        }
        if (request.ContentLength > MaxBytes)
        {
            return TooLarge();
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
        {
            return TooLarge();
        }
        var check = RecordingAudio.Check(buffer.ToArray());
        if (check.Wav is not { } wav)
        {
            return check.Problem!.ToProblem(StatusCodes.Status400BadRequest, "The recording was not accepted.");
        }
        var take = new PromptRecording
        {
            Language = language, Key = key, ContentType = "audio/wav", Data = wav, SizeBytes = wav.Length, Status = PromptRecordingStatus.Draft,
            Etag = Convert.ToHexStringLower(SHA256.HashData(wav))[..32], DurationMs = check.DurationMs,
            AuthorId = Id(user), AuthorName = Name(user), RecordedAt = clock.GetUtcNow(),
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // The previous draft steps aside first: one draft per prompt (a unique index says so).
            await db.PromptRecordings.Where(p => p.Language == language && p.Key == key && p.Status == PromptRecordingStatus.Draft)
                .ExecuteUpdateAsync(p => p.SetProperty(r => r.Status, PromptRecordingStatus.Replaced), cancellationToken);
            db.PromptRecordings.Add(take);
            if (!await SavedAsync(db, cancellationToken))
            {
                return new RecordingRefusal("take_conflict", [], "Reload the page and listen to the newest take.")
                    .ToProblem(StatusCodes.Status409Conflict, "Another take of this prompt arrived at the same moment.");
            }
            await transaction.CommitAsync(cancellationToken);
        }
        LogDraft(loggers.CreateLogger(typeof(RecordingEndpoints)), language, key, take.Id, take.DurationMs);
        return TypedResults.Ok(new RecordingUploaded(new RecordingDraft(take.Id, take.AuthorName, take.RecordedAt, take.DurationMs)));
    }

    internal static async Task<Results<Ok<RecordingApproved>, ProblemHttpResult>> ApproveAsync(
        string language, string key, ApproveRecording body, ClaimsPrincipal user, FeedbackDbContext db, PatientTexts texts, PromptCatalog catalog, TimeProvider clock,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (Refused(language, key, texts) is { } unknown)
        {
            return unknown;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var draft = await db.PromptRecordings
            .FirstOrDefaultAsync(p => p.Language == language && p.Key == key && p.Status == PromptRecordingStatus.Draft, cancellationToken);
        if (draft is null || draft.Id != body.DraftId)
        {
            return (draft is null
                    ? new RecordingRefusal("draft_gone", [], "This take is no longer waiting for review.")
                    : new RecordingRefusal("draft_changed", [], "A newer take was submitted: listen to it before approving."))
                .ToProblem(StatusCodes.Status409Conflict, "The draft changed since you listened to it.");
        }
        if (draft.AuthorId is not null && draft.AuthorId == Id(user))
        {
            return new RecordingRefusal("own_take", [], "Another translator or an admin must listen to it and approve it.")
                .ToProblem(StatusCodes.Status403Forbidden, "You recorded this take.");
        }
        // The approved take retires first: one approved take per prompt (a unique index says so).
        await db.PromptRecordings.Where(p => p.Language == language && p.Key == key && p.Status == PromptRecordingStatus.Approved)
            .ExecuteUpdateAsync(p => p.SetProperty(r => r.Status, PromptRecordingStatus.Retired), cancellationToken);
        (draft.Status, draft.ReviewerId, draft.ReviewerName, draft.ApprovedAt) = (PromptRecordingStatus.Approved, Id(user), Name(user), clock.GetUtcNow());
        if (!await SavedAsync(db, cancellationToken))
        {
            return new RecordingRefusal("approve_conflict", [], "Reload the page to see which one plays.")
                .ToProblem(StatusCodes.Status409Conflict, "Someone approved a take of this prompt at the same moment.");
        }
        await transaction.CommitAsync(cancellationToken);
        catalog.Invalidate();
        LogApproved(loggers.CreateLogger(typeof(RecordingEndpoints)), language, key, draft.Id);
        return TypedResults.Ok(new RecordingApproved(draft.AuthorName, draft.ReviewerName, draft.ApprovedAt, draft.DurationMs));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> AudioAsync(
        string language, string key, string status, HttpContext context, FeedbackDbContext db, PatientTexts texts, CancellationToken cancellationToken)
    {
        if (Refused(language, key, texts) is { } unknown)
        {
            return unknown;
        }
        var take = await db.PromptRecordings.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Language == language && p.Key == key && p.Status == status, cancellationToken);
        return take is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No {status} take of this prompt.")
            : PromptEndpoints.File(context, take, "private, no-cache");
    }

    /// <summary>A reminder template of a language Twilio cannot speak (Duala, Basaa, Ewondo): a call plays its approved take instead of the French text.</summary>
    private static bool IsReminderTemplate(string language, string key) =>
        MessageKeys.VoiceReminderTemplates.Contains(key) && Languages.FromCode(language) is { } parsed && parsed.Code() == language
        && StudioSettings.NeedsRecordings(parsed);

    /// <summary>
    /// Null when a take can be kept for <paramref name="key"/> in <paramref name="language"/>: a voice prompt, or a reminder template without
    /// values in Duala, Basaa or Ewondo. A template with values gets a 400 saying why (a take cannot say them); anything else a 404 naming what exists.
    /// </summary>
    private static ProblemHttpResult? Refused(string language, string key, PatientTexts texts)
    {
        if (!IsReminderTemplate(language, key))
        {
            return PromptEndpoints.Unknown(language, key);
        }
        if (!texts.HasValues(key))
        {
            return null;
        }
        var values = string.Join(", ", Placeholders.Of(texts.FromResources(key, Language.English)).Order(StringComparer.Ordinal));
        return new RecordingRefusal("carries_values", [],
                $"This reminder carries values that change with every patient ({values}): a recording cannot say them, so calls speak its text (in French).")
            .ToProblem(StatusCodes.Status400BadRequest, "This reminder cannot be recorded.");
    }

    /// <summary>The <c>&lt;Say&gt;</c> a call gets for this speech, written by the voice endpoints' own TwiML writer.</summary>
    private static string SayTwiml(Speech speech)
    {
        var response = new VoiceResponse();
        VoicePrompts.Add(response, [speech]);
        return System.Xml.Linq.XDocument.Parse(response.ToString()).Root!.Elements().Single().ToString(System.Xml.Linq.SaveOptions.DisableFormatting);
    }

    /// <summary>False when a unique index refused the change: another request changed the same prompt at the same moment.</summary>
    private static async Task<bool> SavedAsync(FeedbackDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return false;
        }
    }

    private static ProblemHttpResult TooLarge() =>
        new RecordingRefusal("too_large", [MaxBytes / (1024 * 1024), RecordingAudio.MaxSound.TotalSeconds],
                $"The file is larger than {MaxBytes / (1024 * 1024)} MB: a prompt is at most {RecordingAudio.MaxSound.TotalSeconds:0} s of sound.")
            .ToProblem(StatusCodes.Status413PayloadTooLarge, "The recording was not accepted.");

    private static string? Id(ClaimsPrincipal user) => user.FindFirstValue("sub");

    private static string? Name(ClaimsPrincipal user) => user.FindFirstValue("name") ?? Id(user);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Recording draft {DraftId} of {Language} {Key} stored ({DurationMs} ms after trimming)")]
    private static partial void LogDraft(ILogger logger, string language, string key, long draftId, int durationMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Recording {DraftId} of {Language} {Key} approved: callers hear it now")]
    private static partial void LogApproved(ILogger logger, string language, string key, long draftId);
}
