using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Web.Studio;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>
/// One row of an import and what became of it: created, updated, unchanged or refused; <c>reason</c> says why in English,
/// <c>code</c> and <c>args</c> say the same for a page to word in its own language (i18n.js <c>appt.refused.*</c>).
/// </summary>
public sealed record AppointmentImportRow(int Row, string? ExternalId, string Outcome, string? Field = null, string? Reason = null,
    string? Code = null, IReadOnlyList<string>? Args = null);

public sealed record AppointmentImportReport(int Rows, int Created, int Updated, int Unchanged, int Refused, IReadOnlyList<AppointmentImportRow> Report);

/// <summary>
/// A hospital's appointment list as CSV or XLSX (read as the studio reads its spreadsheets): columns found by their
/// header names, each row's time read here and the rest checked and written by <see cref="AppointmentService.ImportAsync"/>,
/// by external_id, so a list imported twice changes nothing the second time.
/// </summary>
public static class AppointmentImport
{
    public const int MaxFileBytes = 8 * 1024 * 1024;

    public const int MaxRows = 20_000;

    /// <summary>The header names (any order, any case); patient_id, department, starts_at and phone_number or email are needed.</summary>
    public static readonly IReadOnlyList<string> Columns = ["external_id", "patient_id", "phone_number", "email", "channel", "department", "starts_at", "plan", "language"];

    /// <summary>The file's rows, or why it cannot be read at all.</summary>
    public static (List<(int Row, Dictionary<string, string?> Cells)>? Rows, AppointmentImportRefusal? Refusal) Read(byte[] file)
    {
        var (table, unreadable) = StudioSpreadsheet.ReadTable(file);
        if (table is null)
        {
            return (null, new("unreadable", [], unreadable!));
        }
        var header = table.FirstOrDefault() ?? [];
        var positions = Columns.ToDictionary(c => c, c => Array.FindIndex(header, h => string.Equals(h?.Trim(), c, StringComparison.OrdinalIgnoreCase)));
        if (positions["patient_id"] < 0 || positions["department"] < 0 || positions["starts_at"] < 0 || (positions["phone_number"] < 0 && positions["email"] < 0))
        {
            var known = string.Join(", ", Columns);
            return (null, new("columns", [known], $"The first row must name the columns: patient_id, department, starts_at, and phone_number or email (also known: {known})."));
        }
        if (table.Count - 1 > MaxRows)
        {
            var (count, max) = (Number(table.Count - 1), Number(MaxRows));
            return (null, new("too_many_rows", [count, max], $"The file has {count} rows; at most {max} can be imported at once."));
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

    /// <summary>Reads each row's time, then hands every readable row to the service at once: a bad row is refused with its reason and the others go on.</summary>
    public static async Task<AppointmentImportReport> ImportAsync(
        IReadOnlyList<(int Row, Dictionary<string, string?> Cells)> rows, AppointmentService appointments, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var report = new AppointmentImportRow[rows.Count];
        var readable = new List<(int Index, (int Row, AppointmentRequest Request) Line)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (row, cells) = rows[i];
            var externalId = cells.GetValueOrDefault("external_id");
            if (AppointmentTimes.Parse(cells.GetValueOrDefault("starts_at"), zone, localAllowed: true) is not { } startsAt)
            {
                report[i] = new(row, externalId, "refused", "starts_at", "starts_at must be a time such as 2026-12-01 09:30 (Douala time) or 2026-12-01T09:30:00+01:00.",
                    "starts_at");
                continue;
            }
            readable.Add((i, (row, new AppointmentRequest(cells.GetValueOrDefault("patient_id"), cells.GetValueOrDefault("phone_number"),
                cells.GetValueOrDefault("email"), cells.GetValueOrDefault("channel"), cells.GetValueOrDefault("department"), startsAt, externalId,
                cells.GetValueOrDefault("plan"), cells.GetValueOrDefault("language")))));
        }
        var results = await appointments.ImportAsync([.. readable.Select(r => r.Line)], cancellationToken);
        for (var k = 0; k < readable.Count; k++)
        {
            var ((index, (row, request)), result) = (readable[k], results[k]);
            report[index] = new(row, request.ExternalId, result.Outcome.ToString().ToLowerInvariant(), result.Field, result.Reason, result.Code, result.Args);
        }
        int Count(string outcome) => report.Count(r => r.Outcome == outcome);
        return new AppointmentImportReport(report.Length, Count("created"), Count("updated"), Count("unchanged"), Count("refused"), report);
    }

    /// <summary>The uploaded file's bytes from a multipart form (field <c>file</c>), or why not.</summary>
    public static async Task<(byte[]? File, AppointmentImportRefusal? Refusal)> FileAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var tooLarge = new AppointmentImportRefusal("too_large", [Number(MaxFileBytes / 1024 / 1024)], $"The file is larger than {MaxFileBytes / 1024 / 1024} MB.",
            StatusCodes.Status413PayloadTooLarge);
        if (request.ContentLength > MaxFileBytes + 64 * 1024)
        {
            return (null, tooLarge);
        }
        if (!request.HasFormContentType)
        {
            return (null, new("not_multipart", [], "Send the file as multipart/form-data, in a field named \"file\"."));
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, new("bad_form", [], "The form could not be read: send the file as multipart/form-data, in a field named \"file\"."));
        }
        if ((form.Files.GetFile("file") ?? form.Files.FirstOrDefault()) is not { } file)
        {
            return (null, new("no_file", [], "No file in the form: send it in a field named \"file\"."));
        }
        if (file.Length > MaxFileBytes)
        {
            return (null, tooLarge);
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        return (buffer.ToArray(), null);
    }

    /// <summary>POST /api/v1/appointments/import: the per-row report (audited), or a problem when the file cannot be read at all.</summary>
    internal static async Task<Results<Ok<AppointmentImportReport>, ProblemHttpResult>> PostAsync(
        HttpRequest request, AppointmentService appointments, AuditLog audit, IOptions<ReminderOptions> reminders, CancellationToken cancellationToken)
    {
        var (file, refusal) = await FileAsync(request, cancellationToken);
        if (file is null)
        {
            return refusal!.ToProblem();
        }
        var (rows, unreadable) = Read(file);
        if (rows is null)
        {
            return unreadable!.ToProblem();
        }
        var report = await ImportAsync(rows, appointments, TimeZoneInfo.FindSystemTimeZoneById(reminders.Value.TimeZone), cancellationToken);
        await audit.RecordAsync(request.HttpContext, "import",
            $"appointments: {report.Rows} rows, {report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged, {report.Refused} refused", cancellationToken);
        return TypedResults.Ok(report);
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
