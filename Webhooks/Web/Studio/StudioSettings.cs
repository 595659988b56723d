using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Webhooks.Api;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Voice;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>Coverage per language and channel, the live switches and the preview numbers.</summary>
public sealed partial class StudioSettings(
    FeedbackDbContext db, StudioTexts texts, StudioCatalogue catalogue, PromptCatalog prompts, PhoneHasher hasher, AuditLog audit, TimeProvider clock)
{
    /// <summary>Whether a language needs people's recordings on calls (Twilio speaks only English and French).</summary>
    public static bool NeedsRecordings(Language language) => !LanguageOffer.AlwaysLive.Contains(language);

    public async Task<IReadOnlyList<StudioLanguageResponse>> LanguagesAsync(CancellationToken cancellationToken)
    {
        var offer = catalogue.Offer;
        var recordings = await prompts.ReportAsync(cancellationToken);
        var answer = new List<StudioLanguageResponse>();
        foreach (var language in Languages.All)
        {
            var (written, approved) = await texts.StatusAsync(language, cancellationToken);
            var channels = TextChannels.All.Select(channel =>
            {
                var items = Required(channel).ToList();
                var missing = channel == TextChannels.Voice && NeedsRecordings(language)
                    ? recordings.Count(r => r.Language == language.Code() && !r.Recorded)
                    : 0;
                return new StudioChannelCoverage(channel, items.Count, items.Count(written.Contains), items.Count(approved.Contains), missing,
                    offer.On(ChannelOf(channel)).Contains(language));
            }).ToList();
            answer.Add(new StudioLanguageResponse(language.Code(), language.OwnName(), FallbackOf(offer, language).Code(), channels));
        }
        return answer;
    }

    /// <summary>What keeps <paramref name="language"/> from going live on <paramref name="channel"/>: unapproved texts, or (voice) missing recordings.</summary>
    public async Task<IReadOnlyList<string>> MissingForLiveAsync(Language language, string channel, CancellationToken cancellationToken)
    {
        if (channel == TextChannels.Voice)
        {
            // The call plays recordings: what is spoken must have been recorded and approved.
            var recordings = await prompts.ReportAsync(cancellationToken);
            return [.. recordings.Where(r => r.Language == language.Code() && !r.Recorded).Select(r => r.Key)];
        }
        var (_, approved) = await texts.StatusAsync(language, cancellationToken);
        return [.. Required(channel).Where(key => !approved.Contains(key))];
    }

    /// <summary>Sets a language live (or not) on a channel; returns what is missing when it cannot go live.</summary>
    public async Task<IReadOnlyList<string>> SetLiveAsync(Language language, string channel, bool live, ClaimsPrincipal admin, CancellationToken cancellationToken)
    {
        if (live)
        {
            var missing = await MissingForLiveAsync(language, channel, cancellationToken);
            if (missing.Count > 0)
            {
                return missing;
            }
        }
        var setting = await SettingAsync(language, cancellationToken);
        setting.LiveChannels = live
            ? [.. setting.LiveChannels.Append(channel).Distinct().Order(StringComparer.Ordinal)]
            : [.. setting.LiveChannels.Where(c => c != channel)];
        setting.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(admin, "studio-live", $"{language.Code()}/{channel} {(live ? "live" : "not live")}", cancellationToken);
        await catalogue.ChangedAsync(cancellationToken);
        return [];
    }

    public async Task<IReadOnlyList<PreviewNumberEntry>> PreviewNumbersAsync(CancellationToken cancellationToken)
    {
        var rows = await db.PreviewNumbers.AsNoTracking().OrderBy(p => p.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(p => new PreviewNumberEntry(p.Phone, p.Name))];
    }

    /// <summary>Replaces the preview numbers; a bad entry is an error naming it and nothing changes.</summary>
    public async Task<IDictionary<string, string[]>> SetPreviewNumbersAsync(IReadOnlyList<PreviewNumberEntry> entries, ClaimsPrincipal admin, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var numbers = new List<PreviewNumber>();
        var now = clock.GetUtcNow();
        for (var i = 0; i < entries.Count; i++)
        {
            var phone = entries[i].Phone is { } given ? PatientDirectory.Normalize(given) : "";
            if (!E164().IsMatch(phone))
            {
                errors[$"[{i}].phone"] = ["A phone number in E.164 form, e.g. +237677000000."];
                continue;
            }
            var name = entries[i].Name?.Trim() ?? "";
            if (name.Length is 0 or > 128)
            {
                errors[$"[{i}].name"] = ["A name of 1 to 128 characters."];
                continue;
            }
            var hash = hasher.Hash(phone);
            if (numbers.Any(n => n.PhoneHash.AsSpan().SequenceEqual(hash)))
            {
                errors[$"[{i}].phone"] = ["Listed twice."];
                continue;
            }
            numbers.Add(new PreviewNumber { Phone = phone, PhoneHash = hash, Name = name, AddedAt = now });
        }
        if (entries.Count > 100)
        {
            errors[""] = ["At most 100 preview numbers."];
        }
        if (errors.Count > 0)
        {
            return errors;
        }
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.PreviewNumbers.ExecuteDeleteAsync(cancellationToken);
            db.PreviewNumbers.AddRange(numbers);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await audit.RecordAsync(admin, "studio-preview", $"preview numbers: {numbers.Count}", cancellationToken);
        await catalogue.ChangedAsync(cancellationToken);
        return errors;
    }

    /// <summary>The texts a channel needs approved (the parsing words are not: the built-in ones serve until a studio list is approved).</summary>
    public static IEnumerable<string> Required(string channel) => TextItems.On(channel).Where(i => !i.IsWords).Select(i => i.Key);

    private static Channel ChannelOf(string channel) => channel switch
    {
        TextChannels.Voice => Channel.Voice,
        TextChannels.Ussd => Channel.Ussd,
        _ => Channel.Sms,
    };

    private static Language FallbackOf(LanguageOffer offer, Language language) =>
        offer.Fallbacks.TryGetValue(language, out var fallback) ? fallback : Language.French;

    private async Task<StudioLanguage> SettingAsync(Language language, CancellationToken cancellationToken)
    {
        var code = language.Code();
        var setting = await db.StudioLanguages.FirstOrDefaultAsync(l => l.Language == code, cancellationToken);
        if (setting is null)
        {
            setting = new StudioLanguage { Language = code };
            db.StudioLanguages.Add(setting);
        }
        return setting;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}$")]
    private static partial Regex E164();
}
