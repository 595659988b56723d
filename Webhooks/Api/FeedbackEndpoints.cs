using TwilioFeedback.Webhooks.Observability;
using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Voice;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>The seed's feedback body: <c>patient_id</c>, <c>language</c>, <c>content</c>, <c>rating</c>, <c>voice_data</c>.</summary>
public sealed record FeedbackRequest(string? PatientId, string? Language, string? Content, int? Rating, string? VoiceData);

/// <summary>
/// The seed's feedback answer, plus the channel it came by, the analysis, the spoken comment's transcript (decrypted; <c>transcript_by</c>
/// <c>machine:{model}@{host}</c> for the service that made it, or <c>staff:{name}</c> for the person who wrote or confirmed it) and the
/// department staff assigned it to.
/// </summary>
public sealed record FeedbackResponse(
    long Id,
    string PatientId,
    string Language,
    string? Content,
    int Rating,
    DateTimeOffset DateSubmitted,
    bool Processed,
    string Channel,
    bool HasVoice,
    string? Sentiment = null,
    IReadOnlyList<string>? Topics = null,
    string? CommentLanguage = null,
    double? Confidence = null,
    bool? RatingDisagrees = null,
    string? Transcript = null,
    string? TranscriptBy = null,
    bool? TranscriptConfirmed = null,
    string? Department = null);

/// <summary>One page of feedback, newest first; pass <c>next_cursor</c> back as <c>cursor</c> for the next.</summary>
public sealed record FeedbackPage(IReadOnlyList<FeedbackResponse> Items, string? NextCursor);

/// <summary>Feedback through the REST API: the seed's <c>POST /api/feedback</c> and the v1 group.</summary>
public static class FeedbackEndpoints
{
    /// <summary>Largest decoded <c>voice_data</c> accepted: 2 MiB (about two minutes of 8 kHz audio).</summary>
    public const int MaxVoiceBytes = 2 * 1024 * 1024;

    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder api)
    {
        // The seed's path, kept for existing clients.
        api.MapPost("/api/feedback", CreateAsync).WithTags("Feedback").WithName("CreateFeedbackSeed").RequireAuthorization(StaffAuth.StaffPolicy)
            .RequireRateLimiting(RateLimitOptions.ApiPolicy);

        var v1 = api.MapGroup("/api/v1/feedback").WithTags("Feedback").RequireAuthorization(StaffAuth.StaffPolicy)
            .RequireRateLimiting(RateLimitOptions.ApiPolicy).WithETags();
        v1.MapPost("/", CreateAsync).WithName("CreateFeedback");
        v1.MapGet("/{id:long}", GetAsync).WithName("GetFeedback");
        v1.MapGet("/", ListAsync).WithName("ListFeedback");
        v1.MapGet("/{id:long}/voice", VoiceAsync).WithName("GetFeedbackVoice");
        return api;
    }

    internal static async Task<Results<Created<FeedbackResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        FeedbackRequest request, FeedbackDbContext db, PatientDirectory patients, DataCipher cipher, TimeProvider clock, WebhookMetrics metrics, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var patientId = ApiFields.PatientId(request.PatientId, errors);
        var language = ApiFields.Language(request.Language, errors);
        if (request.Rating is not (>= 1 and <= 5))
        {
            errors["rating"] = ["rating is required, from 1 to 5."];
        }
        if (request.Content is { Length: > ConversationEffects.MaxCommentLength })
        {
            errors["content"] = [$"content holds at most {ConversationEffects.MaxCommentLength} characters."];
        }
        byte[]? voice = null;
        if (!string.IsNullOrEmpty(request.VoiceData))
        {
            if (Base64.GetMaxDecodedFromUtf8Length(request.VoiceData.Length) > MaxVoiceBytes + 3)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: $"voice_data is larger than {MaxVoiceBytes / (1024 * 1024)} MiB.");
            }
            voice = DecodeBase64(request.VoiceData);
            if (voice is null)
            {
                errors["voice_data"] = ["voice_data must be base64."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = clock.GetUtcNow();
        var patient = await patients.FindOrCreateByExternalIdAsync(patientId!, null, language, cancellationToken);
        var feedback = new Feedback
        {
            Patient = patient,
            Language = language.Code(),
            Content = string.IsNullOrWhiteSpace(request.Content) ? null : SafeText.Clean(request.Content.Trim(), ConversationEffects.MaxCommentLength),
            Rating = request.Rating!.Value,
            DateSubmitted = now,
            Channel = "api",
            VoiceRecording = voice is null ? null : new VoiceRecording
            {
                Status = RecordingStatus.Stored,
                ContentType = AudioFormats.Sniff(voice),
                Data = cipher.Encrypt(voice),
                KeyId = cipher.ActiveKeyId,
                SizeBytes = voice.Length,
                Source = "api",
                CreatedAt = now,
                StoredAt = now,
            },
        };
        db.Feedbacks.Add(feedback);
        await db.SaveChangesAsync(cancellationToken);
        metrics.FeedbackStored(feedback.Channel, feedback.Language);
        return TypedResults.Created($"/api/v1/feedback/{feedback.Id}", ToResponse(feedback, patient.ExternalId));
    }

    internal static async Task<Results<Ok<FeedbackResponse>, ProblemHttpResult>> GetAsync(long id, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var feedback = await db.Feedbacks.AsNoTracking().Include(f => f.Patient).FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        return feedback is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No feedback {id}.")
            : TypedResults.Ok(ToResponse(feedback, feedback.Patient.ExternalId));
    }

    internal static async Task<Results<Ok<FeedbackPage>, ValidationProblem>> ListAsync(
        FeedbackDbContext db, CancellationToken cancellationToken, string? cursor = null, int limit = 20)
    {
        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (DecodeCursor(cursor) is not { } decoded)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["cursor is not one this server gave."] });
            }
            before = decoded;
        }
        if (limit is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"limit must be from 1 to {MaxPageSize}."] });
        }
        var query = db.Feedbacks.AsNoTracking();
        if (before is { } b)
        {
            query = query.Where(f => f.Id < b);
        }
        var rows = await query.OrderByDescending(f => f.Id).Take(limit + 1)
            .Select(f => new { Feedback = f, f.Patient.ExternalId })
            .ToListAsync(cancellationToken);
        var items = rows.Take(limit).Select(r => ToResponse(r.Feedback, r.ExternalId)).ToList();
        var next = rows.Count > limit ? EncodeCursor(items[^1].Id) : null;
        return TypedResults.Ok(new FeedbackPage(items, next));
    }

    /// <summary>The spoken comment, decrypted, with its type; supports range requests for players.</summary>
    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> VoiceAsync(
        long id, System.Security.Claims.ClaimsPrincipal user, FeedbackDbContext db, DataCipher cipher, AuditLog audit, CancellationToken cancellationToken)
    {
        var recording = await db.Feedbacks.AsNoTracking().Where(f => f.Id == id).Select(f => f.VoiceRecording).FirstOrDefaultAsync(cancellationToken);
        if (recording is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"Feedback {id} has no voice recording.");
        }
        if (recording.Status != RecordingStatus.Stored || recording.Data is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"The recording of feedback {id} is not stored yet ({recording.Status}).");
        }
        await audit.RecordAsync(user, "read", $"feedback {id} voice", cancellationToken);
        return TypedResults.File(cipher.Decrypt(recording.KeyId, recording.Data), recording.ContentType, enableRangeProcessing: true);
    }

    private static FeedbackResponse ToResponse(Feedback feedback, string patientId) => new(
        feedback.Id,
        patientId,
        Languages.FromCode(feedback.Language)?.SeedName() ?? feedback.Language,
        feedback.Content,
        feedback.Rating,
        feedback.DateSubmitted,
        feedback.Processed,
        feedback.Channel,
        feedback.VoiceRecordingId is not null || feedback.VoiceRecording is not null,
        feedback.Sentiment,
        feedback.Topics is { Count: > 0 } topics ? topics : null,
        feedback.CommentLanguage,
        feedback.AnalysisConfidence is { } confidence ? Math.Round(confidence, 2) : null,
        feedback.RatingDisagrees,
        feedback.Transcript,
        feedback.Transcript is null ? null : feedback.TranscriptBy,
        feedback.Transcript is null ? null : feedback.TranscriptConfirmedAt is not null,
        feedback.Department);

    private static byte[]? DecodeBase64(string value)
    {
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(Encoding.ASCII.GetByteCount(value))];
        return Convert.TryFromBase64String(value, buffer, out var written) ? buffer[..written] : null;
    }

    private static string EncodeCursor(long id) => Base64Url.EncodeToString(BitConverter.GetBytes(id));

    private static long? DecodeCursor(string cursor)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            return bytes.Length == sizeof(long) ? BitConverter.ToInt64(bytes) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
