namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>One text of a language as the spreadsheet shows it: the columns of the export, in order.</summary>
public sealed record StudioSpreadsheetRow(string Key, string Purpose, string English, string French, string Current, string Status, string Limits);

/// <summary>One row read back from a spreadsheet: its row number as the spreadsheet shows it (the header is row 1), and where its text comes from when a <c>source</c> column says.</summary>
public sealed record StudioSpreadsheetLine(int Row, string Key, string Text, string? Source = null);

/// <summary>What a file held: its rows, or why it is not a studio spreadsheet.</summary>
public sealed record StudioSpreadsheetReading(IReadOnlyList<StudioSpreadsheetLine> Lines, string? Refusal)
{
    public static StudioSpreadsheetReading Refused(string reason) => new([], reason);
}
