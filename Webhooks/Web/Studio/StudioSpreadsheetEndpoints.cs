using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>A spreadsheet import's answer: what was stored as drafts, what was already so, and each refused row with why.</summary>
public sealed record StudioImportReport(int Imported, int Unchanged, IReadOnlyList<StudioImportRefusal> Refused);

/// <summary>One refused row of an import, numbered as the spreadsheet numbers it.</summary>
public sealed record StudioImportRefusal(int Row, string Key, string Reason);

/// <summary>
/// A language's texts as a spreadsheet for translators who work offline (<c>GET /api/v1/studio/export/{lang}.xlsx|.csv</c>)
/// and back (<c>POST /api/v1/studio/import/{lang}</c>): every row checked as the studio checks a draft and stored as
/// the importer's draft; a bad row is reported and never stops the others; nothing is approved by an import.
/// </summary>
public static class StudioSpreadsheetEndpoints
{
    /// <summary>Largest spreadsheet accepted: 2 MiB, far above every text of a language.</summary>
    public const int MaxFileBytes = 2 * 1024 * 1024;

    /// <summary>The <c>source</c> of a draft that came from a spreadsheet.</summary>
    public const string Source = "spreadsheet";

    public static IEndpointRouteBuilder MapStudioSpreadsheets(this IEndpointRouteBuilder app)
    {
        var studio = app.MapGroup("/api/v1/studio").WithTags("Studio")
            .RequireAuthorization(StudioEndpoints.Policy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        studio.MapGet("/export/{lang}.xlsx", (string lang, string? ui, StudioTexts texts, TimeProvider clock, CancellationToken cancellationToken) =>
            ExportAsync(lang, ui, "xlsx", texts, clock, cancellationToken)).WithSummary("A language's texts as an Excel spreadsheet; ui=fr writes its notes in French.");
        studio.MapGet("/export/{lang}.csv", (string lang, string? ui, StudioTexts texts, TimeProvider clock, CancellationToken cancellationToken) =>
            ExportAsync(lang, ui, "csv", texts, clock, cancellationToken)).WithSummary("A language's texts as CSV (UTF-8 with a BOM); ui=fr writes its notes in French.");
        studio.MapPost("/import/{lang}", ImportAsync).WithSummary("Stores each row of an .xlsx or .csv file as a draft; reports the refused rows.");
        return app;
    }

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string lang, string? ui, string format, StudioTexts texts, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (LanguageOf(lang) is not { } language)
        {
            return UnknownLanguage(lang);
        }
        // The notes (purpose, status, limits) in the language of the staff's page; the column names stay those the import reads.
        if (ui is not (null or "en" or "fr"))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"No page language '{ui}': ui is en or fr.");
        }
        var french = ui == "fr";
        var rows = (await texts.ListAsync(language, cancellationToken)).Select(item => Row(item, french)).ToList();
        var name = $"studio-{lang}-{clock.GetUtcNow():yyyy-MM-dd}.{format}";
        return format == "xlsx"
            ? TypedResults.File(StudioSpreadsheet.ToXlsx(lang, rows), StudioSpreadsheet.XlsxContentType, name)
            : TypedResults.File(StudioSpreadsheet.ToCsv(rows), StudioSpreadsheet.CsvContentType, name);
    }

    internal static async Task<Results<Ok<StudioImportReport>, ProblemHttpResult>> ImportAsync(
        string lang, HttpRequest request, StudioTexts texts, CancellationToken cancellationToken)
    {
        if (LanguageOf(lang) is not { } language)
        {
            return UnknownLanguage(lang);
        }
        if (request.ContentLength > MaxFileBytes + 64 * 1024)
        {
            return TooLarge();
        }
        if (!request.HasFormContentType)
        {
            return NotASpreadsheet("Send the file as multipart/form-data, in a field named \"file\".");
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return NotASpreadsheet("The form could not be read: send the file as multipart/form-data, in a field named \"file\".");
        }
        if ((form.Files.GetFile("file") ?? form.Files.FirstOrDefault()) is not { } file)
        {
            return NotASpreadsheet("No file in the form: send it in a field named \"file\".");
        }
        if (file.Length > MaxFileBytes)
        {
            return TooLarge();
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var reading = StudioSpreadsheet.Read(buffer.ToArray());
        if (reading.Refusal is { } refusal)
        {
            return NotASpreadsheet(refusal);
        }
        return TypedResults.Ok(await StoreAsync(language, reading.Lines, StudioAuthor.Of(request.HttpContext.User), texts, cancellationToken));
    }

    /// <summary>Each row on its own: checked and stored as a draft, or refused with the studio's own reason.</summary>
    internal static async Task<StudioImportReport> StoreAsync(
        Language language, IReadOnlyList<StudioSpreadsheetLine> lines, StudioAuthor importer, StudioTexts texts, CancellationToken cancellationToken)
    {
        var current = (await texts.ListAsync(language, cancellationToken)).ToDictionary(i => i.Key, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var refused = new List<StudioImportRefusal>();
        int imported = 0, unchanged = 0;
        foreach (var line in lines)
        {
            if (line.Key.Length == 0)
            {
                refused.Add(new StudioImportRefusal(line.Row, "", "The row has no key."));
                continue;
            }
            if (!current.TryGetValue(line.Key, out var item))
            {
                refused.Add(new StudioImportRefusal(line.Row, line.Key, $"{line.Key} is not a patient-facing text: keep the keys of the export."));
                continue;
            }
            if (seen.TryGetValue(line.Key, out var earlier))
            {
                refused.Add(new StudioImportRefusal(line.Row, line.Key, $"The same key as row {earlier.ToString(CultureInfo.InvariantCulture)}: only the first is imported."));
                continue;
            }
            seen[line.Key] = line.Row;
            if (line.Text.Length == 0)
            {
                unchanged++; // an empty cell: nothing written for this text yet
                continue;
            }
            if (line.Text == (item.Draft?.Text ?? item.Approved?.Text))
            {
                unchanged++;
                continue;
            }
            var outcome = await texts.SaveDraftAsync(language, line.Key, line.Text, importer, line.Source ?? Source, cancellationToken);
            if (outcome.Errors is { } errors)
            {
                refused.Add(new StudioImportRefusal(line.Row, line.Key, string.Join(" ", errors.Values.SelectMany(e => e))));
                continue;
            }
            imported++;
        }
        return new StudioImportReport(imported, unchanged, refused);
    }

    /// <summary>A text's row; its notes (purpose, status, limits) in French for a French page, else in English.</summary>
    private static StudioSpreadsheetRow Row(StudioItem item, bool french) => new(
        item.Key,
        french ? StudioPurposes.InFrench(item.Key) ?? item.Purpose : item.Purpose,
        item.English,
        item.French,
        item.Draft?.Text ?? item.Approved?.Text ?? "",
        Status(item, french),
        string.Join(french ? " ; " : "; ", new[]
        {
            item.Placeholders.Count > 0 ? (french ? "garder " : "keep ") + string.Join(" ", item.Placeholders) : null,
            item.Limits.SmsSegments is { } segments
                ? french ? $"SMS : {segments} segment ({StudioTexts.MaxSmsSegments} au plus)" : $"SMS: {segments} segment ({StudioTexts.MaxSmsSegments} at most)"
                : null,
            item.Limits.UssdChars is { } chars ? french ? $"USSD : {chars} caractères au plus" : $"USSD: {chars} characters at most" : null,
        }.Where(part => part is not null)));

    private static string Status(StudioItem item, bool french) => (item, french) switch
    {
        ({ Draft: { } d }, false) => $"draft by {d.Author}, {Day(d.WrittenAt)}, from {d.Source}"
            + (item.Approved is { } a ? $"; approved text by {a.Author}, approved by {a.Reviewer}, {Day(a.ApprovedAt)}" : ""),
        ({ Draft: { } d }, true) => $"brouillon de {d.Author}, {Day(d.WrittenAt)}, source {d.Source}"
            + (item.Approved is { } a ? $" ; texte approuvé écrit par {a.Author}, approuvé par {a.Reviewer}, {Day(a.ApprovedAt)}" : ""),
        ({ Approved: { } a }, false) => $"approved by {a.Reviewer}, {Day(a.ApprovedAt)} (written by {a.Author})",
        ({ Approved: { } a }, true) => $"approuvé par {a.Reviewer}, {Day(a.ApprovedAt)} (écrit par {a.Author})",
        (_, false) => "not written",
        (_, true) => "pas écrit",
    };

    private static string Day(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static Language? LanguageOf(string code) =>
        Languages.FromCode(code) is { } language && language.Code() == code ? language : null;

    private static ProblemHttpResult UnknownLanguage(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No language '{code}': en, fr, dua, bas or ewo.");

    private static ProblemHttpResult NotASpreadsheet(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a studio spreadsheet.", detail: detail);

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"A spreadsheet holds at most {MaxFileBytes / (1024 * 1024)} MiB.");
}
