using TwilioFeedback.Resources;

namespace TwilioFeedback.Tests.Resources;

public sealed class SmsSegmentsTests
{
    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void GSM_7_holds_160_then_153_a_part(int length, int segments)
    {
        var cost = SmsSegments.Count(new string('a', length));
        Assert.Equal(SmsEncoding.Gsm7, cost.Encoding);
        Assert.Equal(segments, cost.Segments);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void UCS_2_holds_70_then_67_a_part(int length, int segments)
    {
        var cost = SmsSegments.Count("ɓ" + new string('a', length - 1));
        Assert.Equal(SmsEncoding.Ucs2, cost.Encoding);
        Assert.Equal(segments, cost.Segments);
    }

    [Theory]
    [InlineData("Répondez à l'hôpital", SmsEncoding.Ucs2)]   // ô is not GSM-7
    [InlineData("Répondez à l'hopital", SmsEncoding.Gsm7)]   // é and à are
    [InlineData("Ewondo ⭐", SmsEncoding.Ucs2)]
    [InlineData("ŋ", SmsEncoding.Ucs2)]
    [InlineData("Ça va", SmsEncoding.Gsm7)]
    [InlineData("ça va", SmsEncoding.Ucs2)]
    public void One_character_outside_GSM_7_makes_the_message_UCS_2(string text, SmsEncoding expected) =>
        Assert.Equal(expected, SmsSegments.Count(text).Encoding);

    [Fact]
    public void Extension_characters_count_twice() =>
        Assert.Equal(6, SmsSegments.Count("€[]").Units);

    [Fact]
    public void An_emoji_counts_as_two_UTF_16_units() =>
        Assert.Equal(2, SmsSegments.Count("😀").Units);
}
