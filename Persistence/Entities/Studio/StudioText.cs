namespace TwilioFeedback.Persistence;

/// <summary>
/// One version of a studio text (key × language): written as a draft, served to patients once a second
/// person approves it. Rows are never rewritten except to record their approval: they are the history.
/// </summary>
public sealed class StudioText
{
    public long Id { get; set; }

    /// <summary>Language code: en, fr, dua, bas or ewo.</summary>
    public required string Language { get; set; }

    public required string Key { get; set; }

    public required string Text { get; set; }

    /// <summary>The author's user id (the token's or session's <c>sub</c>).</summary>
    public required string AuthorId { get; set; }

    /// <summary>The author's name as shown in the studio.</summary>
    public required string AuthorName { get; set; }

    public DateTimeOffset WrittenAt { get; set; }

    /// <summary>Where the text came from: <c>studio</c>, <c>spreadsheet</c>, or a source named by an import (LEXICON.md).</summary>
    public required string Source { get; set; }

    /// <summary><see cref="StudioTextStatus.Draft"/> or <see cref="StudioTextStatus.Approved"/>.</summary>
    public required string Status { get; set; }

    public string? ReviewerId { get; set; }

    public string? ReviewerName { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }
}
