using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Webhooks.Api;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>The outcome of saving a draft: the item with its new draft, or the errors per field.</summary>
public sealed record DraftOutcome(StudioItem? Item, IDictionary<string, string[]>? Errors);

/// <summary>The outcome of an approval.</summary>
public enum ApprovalOutcome
{
    Approved,
    OwnWork,
    Changed,
}

/// <summary>
/// The studio's texts: drafts checked against the English source and the channels' limits, approval
/// by a second person, history. Every step is audited; an approval is served on every instance within seconds.
/// </summary>
public sealed class StudioTexts(FeedbackDbContext db, PatientTexts texts, StudioCatalogue catalogue, AuditLog audit, TimeProvider clock)
{
    /// <summary>Longest text kept.</summary>
    public const int MaxLength = 2000;

    /// <summary>More SMS segments than this is refused; two is allowed, with the page's warning.</summary>
    public const int MaxSmsSegments = 2;

    /// <summary>Saves <paramref name="text"/> as a draft of <paramref name="key"/> (the approved text keeps serving), or says what is wrong.</summary>
    /// <param name="authorId">The author's user id (<c>staff_users.id</c>, a token's <c>sub</c>).</param>
    /// <param name="source">Where the text comes from: <c>studio</c>, <c>spreadsheet</c>, or a public source's name.</param>
    public async Task<DraftOutcome> SaveDraftAsync(Language language, string key, string? text, string authorId, string? source, CancellationToken cancellationToken)
    {
        var name = await db.Users.Where(u => u.Id == authorId).Select(u => u.DisplayName ?? u.Email).FirstOrDefaultAsync(cancellationToken);
        return await SaveDraftAsync(language, key, text, new StudioAuthor(authorId, name is { Length: > 0 } ? name : authorId), source, cancellationToken);
    }

    public async Task<DraftOutcome> SaveDraftAsync(Language language, string key, string? text, StudioAuthor author, string? source, CancellationToken cancellationToken)
    {
        if (TextItems.Find(key) is not { } item)
        {
            return new DraftOutcome(null, new Dictionary<string, string[]> { ["key"] = [$"{key} is not a patient-facing text."] });
        }
        var errors = Check(item, text, source);
        if (errors.Count > 0)
        {
            return new DraftOutcome(null, errors);
        }
        db.StudioTexts.Add(new StudioText
        {
            Language = language.Code(),
            Key = key,
            Text = text!.Trim(),
            AuthorId = author.Id,
            AuthorName = author.Name,
            WrittenAt = clock.GetUtcNow(),
            Source = string.IsNullOrWhiteSpace(source) ? "studio" : source.Trim(),
            Status = StudioTextStatus.Draft,
        });
        await db.SaveChangesAsync(cancellationToken);
        await AuditAsync(author, "studio-draft", $"text {language.Code()}/{key}", cancellationToken);
        return new DraftOutcome(await ItemAsync(language, item, cancellationToken), null);
    }

    /// <summary>Approves the draft <paramref name="draftId"/>: only someone who did not write it, and only while it is still the latest version.</summary>
    public async Task<ApprovalOutcome> ApproveAsync(Language language, string key, long draftId, StudioAuthor reviewer, CancellationToken cancellationToken)
    {
        var code = language.Code();
        var draft = await db.StudioTexts.AsNoTracking().FirstOrDefaultAsync(t => t.Id == draftId && t.Language == code && t.Key == key, cancellationToken);
        if (draft is null || draft.Status != StudioTextStatus.Draft)
        {
            return ApprovalOutcome.Changed;
        }
        if (draft.AuthorId == reviewer.Id)
        {
            return ApprovalOutcome.OwnWork;
        }
        var now = clock.GetUtcNow();
        // One statement: approved only while no newer version was written and nobody approved it meanwhile.
        var approved = await db.StudioTexts
            .Where(t => t.Id == draftId && t.Status == StudioTextStatus.Draft
                && !db.StudioTexts.Any(newer => newer.Language == code && newer.Key == key && newer.Id > draftId))
            .ExecuteUpdateAsync(set => set
                .SetProperty(t => t.Status, StudioTextStatus.Approved)
                .SetProperty(t => t.ReviewerId, reviewer.Id)
                .SetProperty(t => t.ReviewerName, reviewer.Name)
                .SetProperty(t => t.ApprovedAt, now), cancellationToken);
        if (approved == 0)
        {
            return ApprovalOutcome.Changed;
        }
        await AuditAsync(reviewer, "studio-approve", $"text {code}/{key}", cancellationToken);
        await catalogue.ChangedAsync(cancellationToken);
        return ApprovalOutcome.Approved;
    }

    /// <summary>Every item of a language: sources, limits, the approved version and the draft waiting for review.</summary>
    public async Task<IReadOnlyList<StudioItem>> ListAsync(Language language, CancellationToken cancellationToken)
    {
        var versions = await LatestAsync(language, null, cancellationToken);
        return [.. TextItems.All.Select(item => ToItem(language, item, versions.GetValueOrDefault(item.Key)))];
    }

    public async Task<StudioItem> ItemAsync(Language language, TextItem item, CancellationToken cancellationToken)
    {
        var versions = await LatestAsync(language, item.Key, cancellationToken);
        return ToItem(language, item, versions.GetValueOrDefault(item.Key));
    }

    /// <summary>What happened to an item, newest first.</summary>
    public async Task<IReadOnlyList<StudioHistoryEntry>> HistoryAsync(Language language, string key, CancellationToken cancellationToken)
    {
        var code = language.Code();
        var rows = await db.StudioTexts.AsNoTracking().Where(t => t.Language == code && t.Key == key).ToListAsync(cancellationToken);
        var entries = new List<(StudioHistoryEntry Entry, long Id, int Order)>();
        foreach (var row in rows)
        {
            entries.Add((new StudioHistoryEntry(StudioTextStatus.Draft, row.Text, row.AuthorName, row.WrittenAt), row.Id, 0));
            if (row is { Status: StudioTextStatus.Approved, ApprovedAt: { } at })
            {
                entries.Add((new StudioHistoryEntry(StudioTextStatus.Approved, row.Text, row.ReviewerName ?? "", at), row.Id, 1));
            }
        }
        return [.. entries.OrderByDescending(e => e.Entry.At).ThenByDescending(e => e.Id).ThenByDescending(e => e.Order).Select(e => e.Entry)];
    }

    /// <summary>The approved and written keys of a language (for coverage and the live check).</summary>
    public async Task<(HashSet<string> Written, HashSet<string> Approved)> StatusAsync(Language language, CancellationToken cancellationToken)
    {
        var code = language.Code();
        var rows = await db.StudioTexts.AsNoTracking().Where(t => t.Language == code)
            .GroupBy(t => t.Key)
            .Select(g => new { Key = g.Key, Approved = g.Any(t => t.Status == StudioTextStatus.Approved) })
            .ToListAsync(cancellationToken);
        return ([.. rows.Select(r => r.Key)], [.. rows.Where(r => r.Approved).Select(r => r.Key)]);
    }

    /// <summary>The errors of a draft: empty, too long, placeholders not those of the English source, over a channel's limit.</summary>
    public IDictionary<string, string[]> Check(TextItem item, string? text, string? source)
    {
        var errors = new Dictionary<string, string[]>();
        if (source is { Length: > 128 })
        {
            errors["source"] = ["At most 128 characters."];
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            errors["text"] = ["The text is empty."];
            return errors;
        }
        text = text.Trim();
        if (text.Length > MaxLength)
        {
            errors["text"] = [$"At most {MaxLength} characters."];
            return errors;
        }
        if (item.IsWords)
        {
            return errors;
        }
        var problems = new List<string>();
        var english = Placeholders.Of(texts.FromResources(item.Key, Language.English));
        var given = Placeholders.Of(text);
        if (!english.SetEquals(given))
        {
            problems.Add($"The placeholders must be those of the English text: {Describe(english)} (this text has {Describe(given)}).");
        }
        if (item.SmsSegments is not null && SmsSegments.Count(Sample(item.Key, text)) is { Segments: > MaxSmsSegments } cost)
        {
            problems.Add($"Too long for SMS: {cost.Segments} segments ({(cost.Encoding == SmsEncoding.Gsm7 ? "GSM-7" : "UCS-2")}, {cost.Units} units); at most {MaxSmsSegments}.");
        }
        if (item.UssdChars is { } ussd && Sample(item.Key, text).Length > ussd)
        {
            problems.Add($"Too long for a USSD screen: {Sample(item.Key, text).Length} characters; at most {ussd}.");
        }
        if (problems.Count > 0)
        {
            errors["text"] = [.. problems];
        }
        return errors;
    }

    /// <summary>The text as a patient would get it at its longest: a language menu listing every language.</summary>
    private static string Sample(string key, string text) =>
        SampleValues(key)?.Aggregate(text, (whole, value) => whole.Replace(value.Key, value.Value, StringComparison.Ordinal)) ?? text;

    /// <summary>What the placeholders of <paramref name="key"/> stand for in <see cref="Sample"/>; the studio page checks with the same.</summary>
    private static Dictionary<string, string>? SampleValues(string key) => key is MessageKeys.LanguageMenu or MessageKeys.LanguageMenuAgain
        ? new() { ["{0}"] = PatientTexts.MenuLines(Languages.All), ["{1}"] = Languages.All.Count.ToString(CultureInfo.InvariantCulture) }
        : null;

    private static string Describe(HashSet<string> placeholders) => placeholders.Count == 0 ? "none" : string.Join(", ", placeholders.Order(StringComparer.Ordinal));

    private async Task<Dictionary<string, (StudioText? Approved, StudioText? Draft)>> LatestAsync(Language language, string? key, CancellationToken cancellationToken)
    {
        var code = language.Code();
        var query = db.StudioTexts.AsNoTracking().Where(t => t.Language == code);
        if (key is not null)
        {
            query = query.Where(t => t.Key == key);
        }
        var rows = await query.OrderBy(t => t.Id).ToListAsync(cancellationToken);
        var latest = new Dictionary<string, (StudioText? Approved, StudioText? Draft)>();
        foreach (var group in rows.GroupBy(t => t.Key))
        {
            var approved = group.Where(t => t.Status == StudioTextStatus.Approved).OrderBy(t => t.ApprovedAt).ThenBy(t => t.Id).LastOrDefault();
            var last = group.Last();
            latest[group.Key] = (approved, last.Status == StudioTextStatus.Draft ? last : null);
        }
        return latest;
    }

    private StudioItem ToItem(Language language, TextItem item, (StudioText? Approved, StudioText? Draft) versions)
    {
        var (english, french) = item.IsWords
            ? (ParsingWords.BuiltIn(item.Key, Language.English), ParsingWords.BuiltIn(item.Key, Language.French))
            : (texts.Get(item.Key, Language.English), texts.Get(item.Key, Language.French));
        var placeholders = item.IsWords ? [] : Placeholders.Of(texts.FromResources(item.Key, Language.English)).Order(StringComparer.Ordinal).ToList();
        return new StudioItem(
            item.Key,
            item.Purpose,
            item.Channels,
            placeholders,
            new StudioLimits(item.SmsSegments, item.UssdChars, item.SmsSegments is null ? null : MaxSmsSegments, SampleValues(item.Key)),
            english,
            french,
            versions.Approved is { ApprovedAt: { } at } a ? new StudioApproved(a.Text, a.AuthorName, a.ReviewerName ?? "", at) : null,
            versions.Draft is { } d ? new StudioDraft(d.Id, d.Text, d.AuthorName, d.WrittenAt, d.Source) : null);
    }

    private Task AuditAsync(StudioAuthor who, string action, string target, CancellationToken cancellationToken) =>
        audit.RecordAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", who.Name), new Claim("sub", who.Id)], "studio")), action, target, cancellationToken);
}
