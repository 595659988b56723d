using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Accounts;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>One voice prompt in the catalogue.</summary>
public sealed record PromptEntry(string Language, string Key, bool Recorded, string? Url);

/// <summary>Recorded voice prompts: uploaded by an admin, played to callers, listed with what is missing.</summary>
public static class PromptEndpoints
{
    /// <summary>Largest prompt recording accepted: 5 MiB.</summary>
    public const int MaxPromptBytes = 5 * 1024 * 1024;

    public static IEndpointRouteBuilder MapPrompts(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/prompts").WithTags("Voice prompts").RequireAuthorization(StaffAuth.StaffPolicy);
        api.MapGet("/", ReportAsync).WithName("ListPrompts");
        api.MapPut("/{language}/{key}", UploadAsync).WithName("UploadPrompt").DisableAntiforgery().RequireAuthorization(StaffAuth.AdminPolicy);

        // Twilio fetches these for <Play>: public, cacheable.
        app.MapGet("/prompts/{language}/{key}", ServeAsync).WithTags("Voice prompts").WithName("PlayPrompt");
        return app;
    }

    internal static async Task<Ok<IReadOnlyList<PromptEntry>>> ReportAsync(PromptCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<PromptEntry>>([.. (await catalog.ReportAsync(cancellationToken))
            .Select(p => new PromptEntry(p.Language, p.Key, p.Recorded, p.Recorded ? $"/prompts/{p.Language}/{p.Key}" : null))]);

    internal static async Task<Results<Ok<PromptEntry>, Created<PromptEntry>, ProblemHttpResult>> UploadAsync(
        string language, string key, HttpRequest request, FeedbackDbContext db, PromptCatalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Languages.FromCode(language) is not { } parsed || parsed.Code() != language || !PromptCatalog.Keys.Contains(key))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No voice prompt '{key}' in language '{language}'.",
                detail: $"Languages: en, fr, dua, bas, ewo. Keys: {string.Join(", ", PromptCatalog.Keys)}.");
        }
        if (request.ContentLength > MaxPromptBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"A prompt recording holds at most {MaxPromptBytes / (1024 * 1024)} MiB.");
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxPromptBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"A prompt recording holds at most {MaxPromptBytes / (1024 * 1024)} MiB.");
        }
        var audio = buffer.ToArray();
        var sniffed = AudioFormats.Sniff(audio);
        if (sniffed is not ("audio/wav" or "audio/mpeg"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Prompts must be WAV or MP3 audio (what Twilio's <Play> accepts).");
        }
        var now = clock.GetUtcNow();
        var etag = Convert.ToHexStringLower(SHA256.HashData(audio))[..32];
        var existing = await db.PromptRecordings.FirstOrDefaultAsync(p => p.Language == language && p.Key == key, cancellationToken);
        if (existing is null)
        {
            db.PromptRecordings.Add(new PromptRecording { Language = language, Key = key, ContentType = sniffed, Data = audio, SizeBytes = audio.Length, Etag = etag, UpdatedAt = now });
        }
        else
        {
            (existing.ContentType, existing.Data, existing.SizeBytes, existing.Etag, existing.UpdatedAt) = (sniffed, audio, audio.Length, etag, now);
        }
        await db.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        var entry = new PromptEntry(language, key, true, $"/prompts/{language}/{key}");
        return existing is null ? TypedResults.Created(entry.Url, entry) : TypedResults.Ok(entry);
    }

    internal static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> ServeAsync(
        string language, string key, HttpContext context, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var prompt = await db.PromptRecordings.AsNoTracking().FirstOrDefaultAsync(p => p.Language == language && p.Key == key, cancellationToken);
        if (prompt is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such recording.");
        }
        context.Response.Headers.CacheControl = "public, max-age=86400";
        var etag = new EntityTagHeaderValue($"\"{prompt.Etag}\"");
        return TypedResults.File(prompt.Data, prompt.ContentType, lastModified: prompt.UpdatedAt, entityTag: etag, enableRangeProcessing: true);
    }
}
