using Microsoft.Extensions.Primitives;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Tests.Twilio;

/// <summary>The vectors of shared/protocols/twilio.md, checked against Twilio's own helper library.</summary>
public sealed class RequestValidatorTests
{
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private readonly RequestValidator _validator = new("12345");

    private static KeyValuePair<string, StringValues>[] Params(params (string Key, string Value)[] pairs) =>
        [.. pairs.GroupBy(p => p.Key).Select(g => new KeyValuePair<string, StringValues>(g.Key, g.Select(p => p.Value).ToArray()))];

    private static readonly KeyValuePair<string, StringValues>[] CallParams =
        Params(("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"), ("To", "+18005551212"));

    private static readonly KeyValuePair<string, StringValues>[] TwilioTestParams =
        Params(("CallSid", "CA1234567890ABCDE"), ("From", "+14158675309"), ("Digits", "1234"), ("To", "+18005551212"), ("Caller", "+14158675309"));

    [Fact]
    public void Form_request_signature_matches_the_documented_vector()
    {
        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", _validator.GetSignature(Url, CallParams));
        Assert.True(_validator.Validate(Url, CallParams, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    [Fact]
    public void The_same_request_at_the_default_port_also_passes() =>
        Assert.True(_validator.Validate("https://mycompany.com:443/myapp.php?foo=1&bar=2", CallParams, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));

    [Theory]
    [InlineData(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    public void Twilio_test_set_signatures_are_reproduced(string url, string expected) =>
        Assert.Equal(expected, _validator.GetSignature(url, TwilioTestParams));

    [Theory]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("kvajT1Ptam85bY51eRf/AJRuM3w=")]
    public void A_url_without_port_accepts_both_signed_forms(string signature) =>
        Assert.True(_validator.Validate(Url, TwilioTestParams, signature));

    [Fact]
    public void A_url_with_a_custom_port_accepts_its_own_and_the_portless_signature()
    {
        const string url = "https://mycompany.com:1234/myapp.php?foo=1&bar=2";
        Assert.True(_validator.Validate(url, TwilioTestParams, "CYn1h0gLBdNxDGkKJg6hYohgeD8="));
        Assert.True(_validator.Validate(url, TwilioTestParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Fact]
    public void Host_case_is_kept_as_received()
    {
        const string url = "https://MyCompany.com/myapp.php?foo=1&bar=2";
        Assert.True(_validator.Validate(url, TwilioTestParams, "g9IN/x4Cft2g517EjYvEvM/W7LU="));
        Assert.False(_validator.Validate(url, TwilioTestParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Fact]
    public void Repeated_names_contribute_each_distinct_value_sorted()
    {
        var parameters = Params(("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234"), ("Digits", "1234"));
        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", _validator.GetSignature(Url, parameters));
        Assert.True(_validator.Validate(Url, parameters, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
    }

    [Fact]
    public void Json_body_is_checked_by_its_hash_and_the_signed_url()
    {
        const string body = "{\"property\": \"value\", \"boolean\": true}";
        const string hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        var url = $"{Url}&bodySHA256={hash}";
        Assert.Equal("a9nBmqA0ju/hNViExpshrM61xv4=", _validator.GetSignature(url, []));
        Assert.True(_validator.Validate(url, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
        Assert.False(_validator.Validate(url, body.Replace("true", "false"), "a9nBmqA0ju/hNViExpshrM61xv4="));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("0/KCTR6DLpKmkAf8muzZqo1nDgQ")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Missing_or_forged_signatures_fail(string? signature) =>
        Assert.False(_validator.Validate(Url, CallParams, signature));

    [Fact]
    public void A_changed_parameter_fails() =>
        Assert.False(_validator.Validate(Url, Params(("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "9999"), ("From", "+12349013030"), ("To", "+18005551212")), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));

    [Fact]
    public void Another_auth_token_fails() =>
        Assert.False(new RequestValidator("54321").Validate(Url, CallParams, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
}
