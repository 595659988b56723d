using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>The language studio's API (<c>/api/v1/studio</c>): texts, review, coverage, live switches, preview numbers.</summary>
public static class StudioEndpoints
{
    /// <summary>Translators and admins; staff (who see patient data) are not translators.</summary>
    public const string Policy = "studio";

    public static IEndpointRouteBuilder MapStudio(this IEndpointRouteBuilder app)
    {
        var studio = app.MapGroup("/api/v1/studio").WithTags("Studio")
            .RequireAuthorization(Policy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        studio.MapGet("/languages", LanguagesAsync).WithSummary("Coverage per language and channel, and where each is live.");
        studio.MapGet("/texts/{lang}", TextsAsync).WithSummary("Every patient-facing item of a language with its sources, limits, approved text and draft.");
        studio.MapPut("/texts/{lang}/{key}", DraftAsync).WithSummary("Writes a draft; the approved text keeps serving until the draft is approved.");
        studio.MapPost("/texts/{lang}/{key}/approve", ApproveAsync).WithSummary("Approves a draft: a second person, not its author.");
        studio.MapGet("/texts/{lang}/{key}/history", HistoryAsync).WithSummary("Drafts and approvals of an item, newest first.");
        studio.MapPut("/live/{lang}/{channel}", LiveAsync).RequireAuthorization(StaffAuth.AdminPolicy).WithSummary("Sets a language live on a channel (admin).");
        studio.MapGet("/preview-numbers", PreviewNumbersAsync).RequireAuthorization(StaffAuth.AdminPolicy).WithSummary("Staff phones offered languages not yet live (admin).");
        studio.MapPut("/preview-numbers", SetPreviewNumbersAsync).RequireAuthorization(StaffAuth.AdminPolicy).WithSummary("Replaces the preview numbers (admin).");
        return app;
    }

    internal static async Task<Ok<IReadOnlyList<StudioLanguageResponse>>> LanguagesAsync(StudioSettings settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.LanguagesAsync(cancellationToken));

    internal static async Task<Results<Ok<IReadOnlyList<StudioItem>>, ProblemHttpResult>> TextsAsync(string lang, StudioTexts texts, CancellationToken cancellationToken) =>
        Language(lang) is { } language ? TypedResults.Ok(await texts.ListAsync(language, cancellationToken)) : UnknownLanguage(lang);

    internal static async Task<Results<Ok<StudioItem>, ValidationProblem, ProblemHttpResult>> DraftAsync(
        string lang, string key, DraftRequest? body, HttpContext context, StudioTexts texts, CancellationToken cancellationToken)
    {
        if (Language(lang) is not { } language)
        {
            return UnknownLanguage(lang);
        }
        var outcome = await texts.SaveDraftAsync(language, key, body?.Text, StudioAuthor.Of(context.User), body?.Source, cancellationToken);
        return outcome.Errors is { } errors ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(outcome.Item!);
    }

    internal static async Task<Results<Ok<StudioItem>, ValidationProblem, ProblemHttpResult>> ApproveAsync(
        string lang, string key, ApproveRequest? body, HttpContext context, StudioTexts texts, CancellationToken cancellationToken)
    {
        if (Language(lang) is not { } language)
        {
            return UnknownLanguage(lang);
        }
        if (TextItems.Find(key) is not { } item)
        {
            return UnknownKey(key);
        }
        if (body?.DraftId is not { } draftId)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["draft_id"] = ["The id of the draft you reviewed."] });
        }
        return await texts.ApproveAsync(language, key, draftId, StudioAuthor.Of(context.User), cancellationToken) switch
        {
            ApprovalOutcome.OwnWork => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "You wrote this draft.",
                detail: "A text is approved by a second person, not its author."),
            ApprovalOutcome.Changed => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The draft changed since.",
                detail: "A newer draft was written, or this one was approved already: reload the item and review it again."),
            _ => TypedResults.Ok(await texts.ItemAsync(language, item, cancellationToken)),
        };
    }

    internal static async Task<Results<Ok<IReadOnlyList<StudioHistoryEntry>>, ValidationProblem, ProblemHttpResult>> HistoryAsync(
        string lang, string key, StudioTexts texts, CancellationToken cancellationToken)
    {
        if (Language(lang) is not { } language)
        {
            return UnknownLanguage(lang);
        }
        if (TextItems.Find(key) is null)
        {
            return UnknownKey(key);
        }
        return TypedResults.Ok(await texts.HistoryAsync(language, key, cancellationToken));
    }

    internal static async Task<Results<Ok<StudioLanguageResponse>, ValidationProblem, ProblemHttpResult>> LiveAsync(
        string lang, string channel, LiveRequest? body, HttpContext context, StudioSettings settings, CancellationToken cancellationToken)
    {
        if (Language(lang) is not { } language)
        {
            return UnknownLanguage(lang);
        }
        if (!TextChannels.All.Contains(channel))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No channel '{channel}': sms, ussd or voice.");
        }
        if (body?.Live is not { } live)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["live"] = ["true or false."] });
        }
        if (!StudioSettings.NeedsRecordings(language))
        {
            return live
                ? TypedResults.Ok(await LanguageAsync(settings, language, cancellationToken))
                : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"{language.OwnName()} is always live.",
                    detail: "English and French are the built-in languages and the fallbacks: they cannot be taken off a channel.");
        }
        var missing = await settings.SetLiveAsync(language, channel, live, context.User, cancellationToken);
        if (missing.Count > 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: channel == TextChannels.Voice ? "Recordings are not all approved yet." : "Texts are not all approved yet.",
                detail: $"{language.OwnName()} can go live on {channel} once these are approved: {string.Join(", ", missing)}.",
                extensions: new Dictionary<string, object?> { ["keys"] = missing });
        }
        return TypedResults.Ok(await LanguageAsync(settings, language, cancellationToken));
    }

    internal static async Task<Ok<IReadOnlyList<PreviewNumberEntry>>> PreviewNumbersAsync(StudioSettings settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await settings.PreviewNumbersAsync(cancellationToken));

    internal static async Task<Results<Ok<IReadOnlyList<PreviewNumberEntry>>, ValidationProblem>> SetPreviewNumbersAsync(
        PreviewNumberEntry[]? body, HttpContext context, StudioSettings settings, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [""] = ["A list of { \"phone\", \"name\" }."] });
        }
        var errors = await settings.SetPreviewNumbersAsync(body, context.User, cancellationToken);
        return errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await settings.PreviewNumbersAsync(cancellationToken));
    }

    private static async Task<StudioLanguageResponse> LanguageAsync(StudioSettings settings, Language language, CancellationToken cancellationToken) =>
        (await settings.LanguagesAsync(cancellationToken)).Single(l => l.Code == language.Code());

    /// <summary>Only the codes the contract names (en, fr, dua, bas, ewo).</summary>
    private static Language? Language(string code) =>
        Languages.FromCode(code) is { } language && language.Code() == code ? language : null;

    private static ProblemHttpResult UnknownLanguage(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No language '{code}': en, fr, dua, bas or ewo.");

    private static ValidationProblem UnknownKey(string key) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["key"] = [$"{key} is not a patient-facing text."] });
}
