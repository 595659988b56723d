using System.Globalization;
using System.Resources;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Tests.Resources;

public sealed class TextsTests
{
    private static readonly ResourceManager Manager = new("TwilioFeedback.Resources.Texts.Messages", typeof(Messages).Assembly);

    public static TheoryData<Language> AllLanguages() => [.. Languages.All];

    private static PatientTexts Texts(Dictionary<string, string?>? overrides = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(overrides ?? []).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddLocalization()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<PatientTexts>()
            .AddSingleton<IValidateOptions<TextOverridesOptions>, TextOverridesValidator>();
        services.AddOptions<TextOverridesOptions>().BindConfiguration("TextOverrides");
        return services.BuildServiceProvider().GetRequiredService<PatientTexts>();
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Every_text_exists_in_every_language_without_falling_back(Language language)
    {
        // Neutral (English) texts are the main assembly's; others must be in their own satellite.
        var set = Manager.GetResourceSet(language == Language.English ? CultureInfo.InvariantCulture : language.Culture(), createIfNotExists: true, tryParents: false);
        Assert.NotNull(set);
        var missing = MessageKeys.All.Where(key => string.IsNullOrWhiteSpace(set.GetString(key))).ToList();
        Assert.Empty(missing);
        var unknown = set.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).Except(MessageKeys.All).ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public void Placeholders_are_the_same_in_every_language()
    {
        var texts = Texts();
        foreach (var key in MessageKeys.All)
        {
            var english = Placeholders.Of(texts.Get(key, Language.English));
            Assert.All(Languages.All, language => Assert.True(english.SetEquals(Placeholders.Of(texts.FromResources(key, language))), $"{key} in {language.Code()}"));
        }
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void The_language_menu_names_each_language_in_itself(Language language)
    {
        var menu = Texts().Get(MessageKeys.LanguageMenu, language);
        Assert.All(Languages.All, l => Assert.Contains($"{(int)l + 1} {l.OwnName()}", menu));
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Every_SMS_prompt_fits_in_two_segments(Language language)
    {
        var texts = Texts();
        Assert.All(MessageKeys.Sms, key =>
        {
            var cost = SmsSegments.Count(texts.Get(key, language));
            Assert.True(cost.Segments <= 2, $"{key} in {language.Code()} takes {cost.Segments} segments ({cost.Encoding}, {cost.Units} units)");
        });
    }

    [Fact]
    public void The_README_segment_table_matches_the_texts()
    {
        var expected = SegmentTable(Texts());
        var readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        const string start = "<!-- segments:start -->", end = "<!-- segments:end -->";
        var from = readme.IndexOf(start, StringComparison.Ordinal);
        var to = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "README.md lacks the segments section");
        var actual = readme[(from + start.Length)..to].Trim();
        Assert.True(expected == actual, "Update the README's segment table to:\n" + expected);
    }

    [Fact]
    public void Overrides_replace_a_text_without_a_rebuild()
    {
        var texts = Texts(new() { ["TextOverrides:dua:Thanks"] = "Duala thanks (reviewed)" });
        Assert.Equal("Duala thanks (reviewed)", texts.Get(MessageKeys.Thanks, Language.Duala));
        Assert.Equal(texts.FromResources(MessageKeys.Thanks, Language.Basaa), texts.Get(MessageKeys.Thanks, Language.Basaa));
    }

    [Theory]
    [InlineData("TextOverrides:xx:Thanks", "not a language code")]
    [InlineData("TextOverrides:dua:NoSuchText", "not a known text")]
    [InlineData("TextOverrides:dua:Thanks", "placeholders")]
    public void Bad_overrides_are_rejected_naming_the_setting(string key, string message)
    {
        var localizer = new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider()
            .GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<Messages>>();
        var options = new TextOverridesOptions();
        var parts = key.Split(':');
        options[parts[1]] = new() { [parts[2]] = "Text with {0}" };
        var result = new TextOverridesValidator(localizer).Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
        Assert.Contains(key, result.FailureMessage);
    }

    [Fact]
    public void Review_status_is_kept_for_every_language_and_stays_honest()
    {
        var status = ReviewStatus.Load();
        var texts = Texts();
        Assert.Equal(Languages.All.Select(l => l.Code()).Order(), status.Languages.Keys.Order());
        foreach (var language in new[] { Language.Duala, Language.Basaa, Language.Ewondo })
        {
            var review = status.Languages[language.Code()];
            Assert.All(review.ReviewedKeys, key => Assert.Contains(key, MessageKeys.All));
            // A text that is still the French stand-in cannot be marked as reviewed in this language.
            var standIns = MessageKeys.All.Where(key => texts.FromResources(key, language) == texts.FromResources(key, Language.French)
                && key is not (MessageKeys.LanguageMenu or MessageKeys.LanguageMenuAgain)).ToList();
            Assert.NotEmpty(standIns);
            Assert.Empty(standIns.Intersect(review.ReviewedKeys));
            if (standIns.Count > 0)
            {
                Assert.Equal("placeholder", review.Status);
            }
        }
    }

    [Theory]
    [InlineData("dua")]
    [InlineData("bas")]
    [InlineData("ewo")]
    [InlineData("fr")]
    public void Satellite_assemblies_are_in_the_build_output_and_the_culture_resolves(string code)
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, code, "TwilioFeedback.Resources.resources.dll")), $"{code}/ satellite missing: was the build in invariant globalization mode?");
        Assert.False(CultureInfo.GetCultureInfo(code, predefinedOnly: true).Name.Length == 0);
    }

    /// <summary>The Markdown table the README carries: encoding and parts of every text per language.</summary>
    public static string SegmentTable(PatientTexts texts)
    {
        var table = new StringBuilder();
        table.Append("| text |");
        foreach (var language in Languages.All)
        {
            table.Append(' ').Append(language.Code()).Append(" |");
        }
        table.Append('\n').Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", Languages.All.Count))).Append('\n');
        foreach (var key in MessageKeys.Sms)
        {
            table.Append("| ").Append(key).Append(" |");
            foreach (var language in Languages.All)
            {
                var cost = SmsSegments.Count(texts.Get(key, language));
                table.Append(' ').Append(cost.Encoding == SmsEncoding.Gsm7 ? "GSM-7" : "UCS-2").Append(' ').Append(cost.Units).Append(" → ").Append(cost.Segments).Append(" |");
            }
            table.Append('\n');
        }
        return table.ToString().Trim();
    }
}
