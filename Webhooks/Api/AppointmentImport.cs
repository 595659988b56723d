using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Web.Studio;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>One row of an import and what became of it: created, updated, unchanged or refused (with why).</summary>
public sealed record AppointmentImportRow(int Row, string? ExternalId, string Outcome, string? Field = null, string? Reason = null);

public sealed record AppointmentImportReport(int Rows, int Created, int Updated, int Unchanged, int Refused, IReadOnlyList<AppointmentImportRow> Report);

/// <summary>
/// A hospital's appointment list as CSV or XLSX (read as the studio reads its spreadsheets): columns found by their
/// header names, each row checked and made or updated through <see cref="AppointmentService"/>, by external_id, so a
/// list imported twice changes nothing the second time.
/// </summary>
public static class AppointmentImport
{
    public const int MaxFileBytes = 8 * 1024 * 1024;

    public const int MaxRows = 20_000;

    /// <summary>The header names (any order, any case); patient_id, department, starts_at and phone_number or email are needed.</summary>
    public static readonly IReadOnlyList<string> Columns = ["external_id", "patient_id", "phone_number", "email", "channel", "department", "starts_at", "plan", "language"];

    /// <summary>Rows are shared among this many workers, each row of one external_id always to the same one, in file order.</summary>
    private const int Workers = 4;

    /// <summary>The file's rows, or why it cannot be read at all.</summary>
    public static (List<(int Row, Dictionary<string, string?> Cells)>? Rows, string? Refusal) Read(byte[] file)
    {
        var (table, refusal) = StudioSpreadsheet.ReadTable(file);
        if (table is null)
        {
            return (null, refusal);
        }
        var header = table.FirstOrDefault() ?? [];
        var positions = Columns.ToDictionary(c => c, c => Array.FindIndex(header, h => string.Equals(h?.Trim(), c, StringComparison.OrdinalIgnoreCase)));
        if (positions["patient_id"] < 0 || positions["department"] < 0 || positions["starts_at"] < 0 || (positions["phone_number"] < 0 && positions["email"] < 0))
        {
            return (null, $"The first row must name the columns: patient_id, department, starts_at, and phone_number or email (also known: {string.Join(", ", Columns)}).");
        }
        if (table.Count - 1 > MaxRows)
        {
            return (null, $"The file has {table.Count - 1} rows; at most {MaxRows} can be imported at once.");
        }
        var rows = new List<(int, Dictionary<string, string?>)>();
        for (var i = 1; i < table.Count; i++)
        {
            var cells = positions.Where(p => p.Value >= 0).ToDictionary(p => p.Key, p => p.Value < table[i].Length && !string.IsNullOrWhiteSpace(table[i][p.Value]) ? table[i][p.Value]!.Trim() : null);
            if (cells.Values.All(v => v is null))
            {
                continue; // a blank line
            }
            rows.Add((i + 1, cells));
        }
        return (rows, null);
    }

    /// <summary>Imports each row on its own: a bad row is refused with its reason and the others go on.</summary>
    public static async Task<AppointmentImportReport> ImportAsync(
        IReadOnlyList<(int Row, Dictionary<string, string?> Cells)> rows, IServiceScopeFactory scopes, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var report = new ConcurrentBag<AppointmentImportRow>();
        var parts = rows.GroupBy(r => (uint)StringComparer.Ordinal.GetHashCode(r.Cells.GetValueOrDefault("external_id") ?? r.Row.ToString(System.Globalization.CultureInfo.InvariantCulture)) % Workers);
        await Task.WhenAll(parts.Select(async part =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var appointments = scope.ServiceProvider.GetRequiredService<AppointmentService>();
            var db = scope.ServiceProvider.GetRequiredService<Persistence.FeedbackDbContext>();
            foreach (var (row, cells) in part)
            {
                report.Add(await ImportRowAsync(row, cells, appointments, zone, cancellationToken));
                db.ChangeTracker.Clear(); // each row on its own: the tracker does not grow with the file
            }
        }));
        var ordered = report.OrderBy(r => r.Row).ToList();
        int Count(string outcome) => ordered.Count(r => r.Outcome == outcome);
        return new AppointmentImportReport(ordered.Count, Count("created"), Count("updated"), Count("unchanged"), Count("refused"), ordered);
    }

    private static async Task<AppointmentImportRow> ImportRowAsync(
        int row, Dictionary<string, string?> cells, AppointmentService appointments, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var externalId = cells.GetValueOrDefault("external_id");
        if (externalId is null)
        {
            // Without the hospital's id a second import would make the appointment again.
            return new(row, null, "refused", "external_id", "external_id is needed: it is what makes a second import update rather than duplicate.");
        }
        var startsAt = AppointmentTimes.Parse(cells.GetValueOrDefault("starts_at"), zone, localAllowed: true);
        if (startsAt is null)
        {
            return new(row, externalId, "refused", "starts_at", "starts_at must be a time such as 2026-12-01 09:30 (Douala time) or 2026-12-01T09:30:00+01:00.");
        }
        var result = await appointments.UpsertAsync(new AppointmentRequest(cells.GetValueOrDefault("patient_id"), cells.GetValueOrDefault("phone_number"),
            cells.GetValueOrDefault("email"), cells.GetValueOrDefault("channel"), cells.GetValueOrDefault("department"), startsAt.Value, externalId,
            cells.GetValueOrDefault("plan"), cells.GetValueOrDefault("language")), cancellationToken);
        return new(row, externalId, result.Outcome.ToString().ToLowerInvariant(), result.Field, result.Reason);
    }

    /// <summary>The uploaded file's bytes from a multipart form (field <c>file</c>), or why not.</summary>
    public static async Task<(byte[]? File, string? Refusal, bool TooLarge)> FileAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxFileBytes + 64 * 1024)
        {
            return (null, $"The file is larger than {MaxFileBytes / 1024 / 1024} MB.", true);
        }
        if (!request.HasFormContentType)
        {
            return (null, "Send the file as multipart/form-data, in a field named \"file\".", false);
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, "The form could not be read: send the file as multipart/form-data, in a field named \"file\".", false);
        }
        if ((form.Files.GetFile("file") ?? form.Files.FirstOrDefault()) is not { } file)
        {
            return (null, "No file in the form: send it in a field named \"file\".", false);
        }
        if (file.Length > MaxFileBytes)
        {
            return (null, $"The file is larger than {MaxFileBytes / 1024 / 1024} MB.", true);
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        return (buffer.ToArray(), null, false);
    }

    /// <summary>POST /api/v1/appointments/import: the per-row report, or a problem when the file cannot be read at all.</summary>
    internal static async Task<Results<Ok<AppointmentImportReport>, ProblemHttpResult>> PostAsync(
        HttpRequest request, IServiceScopeFactory scopes, IOptions<ReminderOptions> reminders, CancellationToken cancellationToken)
    {
        var (file, refusal, tooLarge) = await FileAsync(request, cancellationToken);
        if (file is null)
        {
            return TypedResults.Problem(statusCode: tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, title: refusal);
        }
        var (rows, unreadable) = Read(file);
        if (rows is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: unreadable);
        }
        return TypedResults.Ok(await ImportAsync(rows, scopes, TimeZoneInfo.FindSystemTimeZoneById(reminders.Value.TimeZone), cancellationToken));
    }
}
