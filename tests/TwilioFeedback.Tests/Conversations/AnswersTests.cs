using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Tests.Conversations;

public sealed class AnswersTests
{
    [Theory]
    [InlineData("4", 4)]
    [InlineData(" 4 ", 4)]
    [InlineData("4.", 4)]
    [InlineData("4/5", 4)]
    [InlineData("4 / 5", 4)]
    [InlineData("4 sur 5", 4)]
    [InlineData("4 out of 5", 4)]
    [InlineData("4 stars", 4)]
    [InlineData("4️⃣", 4)]
    [InlineData("４", 4)]
    [InlineData("⭐⭐⭐⭐", 4)]
    [InlineData("⭐ ⭐ ⭐", 3)]
    [InlineData("★★★★★", 5)]
    [InlineData("😀", 5)]
    [InlineData("😡", 1)]
    [InlineData("🙂🙂", 4)]
    [InlineData("😐", 3)]
    [InlineData("four", 4)]
    [InlineData("FOUR!", 4)]
    [InlineData("quatre", 4)]
    [InlineData("Cinq", 5)]
    [InlineData("un", 1)]
    [InlineData("ɓeɓaá", 2)]   // Duala 2
    [InlineData("bebaa", 2)]
    [InlineData("binâ", 4)]    // Basaa 4
    [InlineData("nyina", 4)]   // Ewondo 4
    [InlineData("tána", 5)]    // Ewondo 5
    [InlineData("dzia", 1)]    // Ewondo 1
    public void Ratings_are_read_forgivingly(string text, int expected) =>
        Assert.Equal(expected, Answers.ParseRating(text));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("45")]
    [InlineData("4/10")]
    [InlineData("⭐⭐⭐⭐⭐⭐")]
    [InlineData("😀😡")]
    [InlineData("good")]
    [InlineData("the nurse was kind 5")]
    public void Non_ratings_are_not_read_as_ratings(string text) =>
        Assert.Null(Answers.ParseRating(text));

    [Theory]
    [InlineData("STOP", Keyword.OptOut)]
    [InlineData("stop", Keyword.OptOut)]
    [InlineData(" Stop. ", Keyword.OptOut)]
    [InlineData("ARRÊT", Keyword.OptOut)]
    [InlineData("arret", Keyword.OptOut)]
    [InlineData("UNSUBSCRIBE", Keyword.OptOut)]
    [InlineData("START", Keyword.OptIn)]
    [InlineData("unstop", Keyword.OptIn)]
    [InlineData("HELP", Keyword.Help)]
    [InlineData("aide", Keyword.Help)]
    [InlineData("INFO", Keyword.Help)]
    [InlineData("jóŋgwanɛ", Keyword.Help)]
    [InlineData("LANG", Keyword.Language)]
    [InlineData("Langue", Keyword.Language)]
    [InlineData("stop the noise", Keyword.None)]
    [InlineData("4", Keyword.None)]
    public void Keywords_are_whole_messages_in_any_case(string text, Keyword expected) =>
        Assert.Equal(expected, Answers.ParseKeyword(text));

    [Theory]
    [InlineData("1", Language.English)]
    [InlineData("2", Language.French)]
    [InlineData("3", Language.Duala)]
    [InlineData("4", Language.Basaa)]
    [InlineData("5", Language.Ewondo)]
    [InlineData("français", Language.French)]
    [InlineData("francais", Language.French)]
    [InlineData("Duálá", Language.Duala)]
    [InlineData("bassa", Language.Basaa)]
    [InlineData("Ɓàsàa", Language.Basaa)]
    [InlineData("ewondo", Language.Ewondo)]
    [InlineData("english", Language.English)]
    [InlineData("ewo", Language.Ewondo)]    // the code, not Duala's "one"
    [InlineData("dua", Language.Duala)]
    public void Language_choices_read_numbers_and_names(string text, Language expected) =>
        Assert.Equal(expected, Answers.ParseLanguageChoice(text));

    [Theory]
    [InlineData("0")]
    [InlineData("skip")]
    [InlineData("Non")]
    [InlineData("passer")]
    [InlineData("kɛ́m")]
    [InlineData("tɛgɛ")]
    public void Skip_words_skip_the_comment(string text) => Assert.True(Answers.IsSkip(text));
}

public sealed class AddressTests
{
    [Theory]
    [InlineData("+237677000001", "+237677000001")]
    [InlineData("237677000001", "+237677000001")]
    [InlineData("677000001", "+237677000001")]
    [InlineData(" 677 00 00 01 ", "+237677000001")]
    [InlineData("+14155550100", "+14155550100")]
    [InlineData("client:kiosk-3", "client:kiosk-3")]
    public void Gateways_spelling_of_a_number_names_one_patient(string given, string expected) =>
        Assert.Equal(expected, TwilioFeedback.Webhooks.Patients.PatientDirectory.Normalize(given));

    [Fact]
    public void Stored_text_loses_control_characters_and_is_cut_on_whole_characters()
    {
        Assert.Equal("ab\ncd", SafeText.Clean("a\u0000b\ncd\u0007", 100));
        Assert.Equal("ab", SafeText.Clean("ab😀", 3)); // the emoji is 2 UTF-16 units: not split
    }
}
