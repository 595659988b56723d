using System.Globalization;
using System.Resources;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Tests.Resources;

public sealed class TextsTests
{
    private static readonly ResourceManager Manager = new("TwilioFeedback.Resources.Texts.Messages", typeof(Messages).Assembly);

    public static TheoryData<Language> AllLanguages() => [.. Languages.All];

    private static PatientTexts Texts() =>
        new ServiceCollection().AddLogging().AddPatientTexts().BuildServiceProvider().GetRequiredService<PatientTexts>();

    /// <summary>A text as patients get it at its longest: the language menu listing all five languages.</summary>
    private static string Longest(PatientTexts texts, string key, Language language) =>
        key is MessageKeys.LanguageMenu or MessageKeys.LanguageMenuAgain ? texts.Menu(key, language, Languages.All) : texts.Get(key, language);

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
    public void The_language_menu_names_each_offered_language_in_itself_numbered_in_order(Language language)
    {
        var texts = Texts();
        var menu = texts.Menu(MessageKeys.LanguageMenu, language, [Language.English, Language.French, Language.Ewondo]);
        Assert.Contains("1 English\n2 Français\n3 Ewondo", menu);
        Assert.DoesNotContain("Duálá", menu);
        Assert.Contains("1 à 3", texts.Menu(MessageKeys.LanguageMenuAgain, Language.French, [Language.English, Language.French, Language.Ewondo]));
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Every_SMS_prompt_fits_in_two_segments(Language language)
    {
        var texts = Texts();
        Assert.All(MessageKeys.Sms, key =>
        {
            var cost = SmsSegments.Count(Longest(texts, key, language));
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
                var cost = SmsSegments.Count(Longest(texts, key, language));
                table.Append(' ').Append(cost.Encoding == SmsEncoding.Gsm7 ? "GSM-7" : "UCS-2").Append(' ').Append(cost.Units).Append(" → ").Append(cost.Segments).Append(" |");
            }
            table.Append('\n');
        }
        return table.ToString().Trim();
    }
}
