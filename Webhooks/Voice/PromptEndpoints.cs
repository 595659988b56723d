using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Accounts;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>One voice prompt in the catalogue.</summary>
public sealed record PromptEntry(string Language, string Key, bool Recorded, string? Url);

/// <summary>
/// Approved voice prompts: played to callers, listed with what is missing. Recordings come in through
/// the studio (<c>/api/v1/studio/recordings</c>), where a second person approves each take.
/// </summary>
public static class PromptEndpoints
{
    /// <summary>How long Twilio and other caches may keep a prompt before asking again (with its ETag).</summary>
    public const string CacheControl = "public, max-age=300";

    public static IEndpointRouteBuilder MapPrompts(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/prompts").WithTags("Voice prompts").RequireAuthorization(StaffAuth.StaffPolicy);
        api.MapGet("/", ReportAsync).WithName("ListPrompts");

        // Twilio fetches these for <Play>: public, cacheable.
        app.MapGet("/prompts/{language}/{key}", ServeAsync).WithTags("Voice prompts").WithName("PlayPrompt");
        return app;
    }

    /// <summary>A 404 naming what exists, or null when <paramref name="language"/> and <paramref name="key"/> name a voice prompt.</summary>
    public static ProblemHttpResult? Unknown(string language, string key) =>
        Languages.FromCode(language) is { } parsed && parsed.Code() == language && PromptCatalog.Keys.Contains(key)
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No voice prompt '{key}' in language '{language}'.",
                detail: $"Languages: en, fr, dua, bas, ewo. Keys: {string.Join(", ", PromptCatalog.Keys)}.");

    internal static async Task<Ok<IReadOnlyList<PromptEntry>>> ReportAsync(PromptCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<PromptEntry>>([.. (await catalog.ReportAsync(cancellationToken))
            .Select(p => new PromptEntry(p.Language, p.Key, p.Recorded, p.Recorded ? $"/prompts/{p.Language}/{p.Key}" : null))]);

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ServeAsync(
        string language, string key, HttpContext context, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var prompt = await db.PromptRecordings.AsNoTracking()
            .FirstOrDefaultAsync(p => p.Language == language && p.Key == key && p.Status == PromptRecordingStatus.Approved, cancellationToken);
        if (prompt is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No approved recording.");
        }
        return File(context, prompt, CacheControl);
    }

    /// <summary>A take's audio with its ETag; a matching If-None-Match gets 304, a Range part of it.</summary>
    public static FileContentHttpResult File(HttpContext context, PromptRecording take, string cacheControl)
    {
        context.Response.Headers.CacheControl = cacheControl;
        return TypedResults.File(take.Data, take.ContentType, lastModified: take.ApprovedAt ?? take.RecordedAt,
            entityTag: new EntityTagHeaderValue($"\"{take.Etag}\""), enableRangeProcessing: true);
    }
}
