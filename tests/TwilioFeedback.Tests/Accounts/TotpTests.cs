using System.Text;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>The tests' own TOTP against RFC 6238's appendix B (SHA-1 rows) and RFC 4648's Base32 vectors.</summary>
public sealed class TotpTests
{
    public static TheoryData<long, string> Rfc6238Sha1 => new()
    {
        { 59, "94287082" },
        { 1111111109, "07081804" },
        { 1111111111, "14050471" },
        { 1234567890, "89005924" },
        { 2000000000, "69279037" },
        { 20000000000, "65353130" },
    };

    [Theory]
    [MemberData(nameof(Rfc6238Sha1))]
    public void The_code_matches_the_RFC_6238_test_vector(long unixSeconds, string expected)
    {
        var key = Encoding.ASCII.GetBytes("12345678901234567890");
        var at = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

        Assert.Equal(expected, Totp.Code(key, at, digits: 8));
        Assert.Equal(expected[2..], Totp.Code(key, at)); // six digits: the same number modulo 10^6
    }

    [Theory]
    [InlineData("MY", "f")]
    [InlineData("MZXW6YQ=", "foob")]
    [InlineData("mzxw 6ytb oi", "foobar")]
    [InlineData("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "12345678901234567890")]
    public void Base32_keys_decode_as_RFC_4648_says(string base32, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(Totp.Base32(base32)));
}
