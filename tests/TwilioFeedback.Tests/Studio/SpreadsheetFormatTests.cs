using System.Text;
using MiniExcelLibs;
using TwilioFeedback.Webhooks.Web.Studio;

namespace TwilioFeedback.Tests.Studio;

/// <summary>The studio's spreadsheets as files: what the export writes reads back the same, from XLSX and from CSV as Excel saves it.</summary>
public sealed class SpreadsheetFormatTests
{
    private static readonly StudioSpreadsheetRow[] Rows =
    [
        new("AskRating", "The rating question", "How was your care?", "Comment jugez-vous vos soins ?", "Ɓɛ́ ɔ́ŋ \"ee\", kɛ́m; 1–5", "draft by ngo", "SMS: 1 segment"),
        new("Help", "What HELP answers", "Reply STOP", "Répondez STOP", "Line one\nline two", "not written", ""),
    ];

    [Fact]
    public void An_exported_xlsx_reads_back_key_and_current_text_with_its_row_numbers()
    {
        var reading = StudioSpreadsheet.Read(StudioSpreadsheet.ToXlsx("dua", Rows));
        Assert.Null(reading.Refusal);
        Assert.Equal([new StudioSpreadsheetLine(2, "AskRating", Rows[0].Current), new StudioSpreadsheetLine(3, "Help", "Line one\nline two")], reading.Lines);
    }

    [Fact]
    public void An_exported_csv_is_utf8_with_a_bom_and_reads_back_the_same()
    {
        var csv = StudioSpreadsheet.ToCsv(Rows);
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        Assert.StartsWith("key,purpose,English,French,current text,status,limits\r\n", Encoding.UTF8.GetString(csv[3..]), StringComparison.Ordinal);
        var reading = StudioSpreadsheet.Read(csv);
        Assert.Null(reading.Refusal);
        Assert.Equal([new StudioSpreadsheetLine(2, "AskRating", Rows[0].Current), new StudioSpreadsheetLine(3, "Help", "Line one\nline two")], reading.Lines);
    }

    [Fact]
    public void A_csv_saved_by_french_excel_with_semicolons_and_crlf_inside_a_cell_reads_by_its_header()
    {
        var csv = "\uFEFFstatus;current text;key\r\ndraft;\"Na sôm!\r\nɓwǎm̀\";Thanks\r\n;;\r\napproved;Ee;Yes\r\n";
        var reading = StudioSpreadsheet.Read(Encoding.UTF8.GetBytes(csv));
        Assert.Null(reading.Refusal);
        Assert.Equal([new StudioSpreadsheetLine(2, "Thanks", "Na sôm!\nɓwǎm̀"), new StudioSpreadsheetLine(4, "Yes", "Ee")], reading.Lines);
    }

    [Fact]
    public void A_blank_row_in_an_xlsx_keeps_the_row_numbers_of_the_rows_after_it()
    {
        using var file = new MemoryStream();
        file.SaveAs(new[]
        {
            new Dictionary<string, object?> { ["key"] = "Thanks", ["current text"] = "Na sôm!" },
            new Dictionary<string, object?> { ["key"] = null, ["current text"] = null },
            new Dictionary<string, object?> { ["key"] = "AskRating", ["current text"] = 5 },
        }, excelType: ExcelType.XLSX);
        var reading = StudioSpreadsheet.Read(file.ToArray());
        Assert.Equal([new StudioSpreadsheetLine(2, "Thanks", "Na sôm!"), new StudioSpreadsheetLine(4, "AskRating", "5")], reading.Lines);
    }

    public static TheoryData<string, byte[]> NotSpreadsheets => new()
    {
        { "empty", [] },
        { "a PNG", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] },
        { "a broken ZIP", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3, 4, 5] },
        { "Latin-1 text", Encoding.Latin1.GetBytes("key,current text\r\nThanks,Merci à vous\r\n") },
        { "text without the columns", Encoding.UTF8.GetBytes("Dear translator,\nhere are my texts.\n") },
        { "an unterminated quote", Encoding.UTF8.GetBytes("key,current text\r\nThanks,\"Na sôm\r\n") },
    };

    [Theory]
    [MemberData(nameof(NotSpreadsheets))]
    public void A_file_that_is_not_a_studio_spreadsheet_is_refused_with_a_reason(string label, byte[] file)
    {
        var reading = StudioSpreadsheet.Read(file);
        Assert.False(string.IsNullOrEmpty(reading.Refusal), label);
        Assert.Empty(reading.Lines);
    }
}
