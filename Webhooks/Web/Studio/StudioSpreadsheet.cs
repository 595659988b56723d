using System.Globalization;
using System.Text;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>
/// A language's texts as a spreadsheet (XLSX through MiniExcel, CSV as RFC 4180 in UTF-8 with a BOM
/// so that Excel shows ɓ and ɛ right), and the rows read back from either: only the <c>key</c> and
/// <c>current text</c> columns count on the way in, wherever they stand.
/// </summary>
public static class StudioSpreadsheet
{
    public const string KeyColumn = "key";
    public const string TextColumn = "current text";

    /// <summary>An optional column on the way in: where a row's text comes from (a public source), kept with its draft.</summary>
    public const string SourceColumn = "source";
    public static readonly IReadOnlyList<string> Columns = [KeyColumn, "purpose", "English", "French", TextColumn, "status", "limits"];

    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvContentType = "text/csv; charset=utf-8";

    private static readonly byte[] ZipSignature = [0x50, 0x4B, 0x03, 0x04];

    private static string?[] Cells(StudioSpreadsheetRow row) => [row.Key, row.Purpose, row.English, row.French, row.Current, row.Status, row.Limits];

    public static byte[] ToXlsx(string sheetName, IEnumerable<StudioSpreadsheetRow> rows)
    {
        var table = rows.Select(row => Columns.Zip(Cells(row)).ToDictionary(p => p.First, p => p.Second)).ToList();
        var widths = new[] { 28, 40, 50, 50, 50, 36, 24 };
        var configuration = new OpenXmlConfiguration
        {
            DynamicColumns = [.. Columns.Select((name, i) => new DynamicExcelColumn(name) { Width = widths[i] })],
            FreezeRowCount = 1,
        };
        using var output = new MemoryStream();
        output.SaveAs(table, sheetName: sheetName, excelType: ExcelType.XLSX, configuration: configuration);
        return output.ToArray();
    }

    public static byte[] ToCsv(IEnumerable<StudioSpreadsheetRow> rows)
    {
        var output = new StringBuilder();
        StudioSpreadsheetCsv.WriteRecord(output, Columns);
        foreach (var row in rows)
        {
            StudioSpreadsheetCsv.WriteRecord(output, Cells(row));
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(output.ToString())];
    }

    /// <summary>Reads an XLSX (recognised by its ZIP signature) or a UTF-8 CSV (comma or semicolon, as French Excel saves it).</summary>
    public static StudioSpreadsheetReading Read(byte[] file)
    {
        var (table, refusal) = ReadTable(file);
        return table is null ? StudioSpreadsheetReading.Refused(refusal!) : FromTable(table);
    }

    /// <summary>The cells of an XLSX or CSV file row by row, the header first (as the person sees them), or why it cannot be read. Appointment imports read through it too.</summary>
    public static (List<string?[]>? Table, string? Refusal) ReadTable(byte[] file)
    {
        if (file.Length == 0)
        {
            return (null, "The file is empty.");
        }
        return file.AsSpan().StartsWith(ZipSignature) ? ReadXlsx(file) : ReadCsv(file);
    }

    private static (List<string?[]>?, string?) ReadXlsx(byte[] file)
    {
        List<string?[]> table;
        try
        {
            using var input = new MemoryStream(file, writable: false);
            table = [.. input.Query(useHeaderRow: false, excelType: ExcelType.XLSX)
                .Cast<IDictionary<string, object?>>()
                .Select(row => row.Values.Select(Cell).ToArray())];
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or System.Xml.XmlException or IOException or KeyNotFoundException or NotSupportedException)
        {
            return (null, "The file is not an XLSX spreadsheet that can be read (" + e.GetType().Name + "). Save it as .xlsx or CSV UTF-8 and try again.");
        }
        return (table, null);
    }

    // A cell the person typed a number or a date into comes back as that value: read it as they see it.
    private static string? Cell(object? value) => value switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static (List<string?[]>?, string?) ReadCsv(byte[] file)
    {
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(file);
        }
        catch (DecoderFallbackException)
        {
            return (null, "The file is neither an XLSX spreadsheet nor a CSV in UTF-8. In Excel, save as \"CSV UTF-8\" or .xlsx.");
        }
        if (text.Contains('\0'))
        {
            return (null, "The file is neither an XLSX spreadsheet nor a CSV: it holds binary data.");
        }
        var table = StudioSpreadsheetCsv.Parse(text.TrimStart('\uFEFF'));
        return table is null ? (null, "The CSV cannot be read: a quoted field never ends.") : (table, null);
    }

    private static StudioSpreadsheetReading FromTable(List<string?[]> table)
    {
        var header = table.FirstOrDefault() ?? [];
        int Column(string name) => Array.FindIndex(header, h => string.Equals(h?.Trim(), name, StringComparison.OrdinalIgnoreCase));
        var key = Column(KeyColumn);
        var text = Column(TextColumn);
        var source = Column(SourceColumn);
        if (key < 0 || text < 0)
        {
            return StudioSpreadsheetReading.Refused($"The first row must name the columns \"{KeyColumn}\" and \"{TextColumn}\", as the studio's export does.");
        }
        var lines = new List<StudioSpreadsheetLine>();
        for (var i = 1; i < table.Count; i++)
        {
            var row = table[i];
            var rowKey = (key < row.Length ? row[key] : null)?.Trim() ?? "";
            var rowText = (text < row.Length ? row[text] : null) ?? "";
            if (rowKey.Length == 0 && rowText.Trim().Length == 0)
            {
                continue; // a blank line
            }
            // Spreadsheets keep the line breaks the person typed; the texts use \n.
            var rowSource = source >= 0 && source < row.Length && !string.IsNullOrWhiteSpace(row[source]) ? row[source]!.Trim() : null;
            lines.Add(new StudioSpreadsheetLine(i + 1, rowKey, rowText.Replace("\r\n", "\n", StringComparison.Ordinal).Trim(), rowSource));
        }
        return new StudioSpreadsheetReading(lines, null);
    }
}
