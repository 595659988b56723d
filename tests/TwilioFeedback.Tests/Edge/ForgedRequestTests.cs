using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Edge;

/// <summary>
/// Twilio calls from a few addresses shared by all its customers: a flood of forged requests from one
/// of them must not cost real, signed traffic its answers, nor fill the log.
/// </summary>
public sealed class ForgedRequestTests(EdgeAppFactory factory) : IntegrationTest<EdgeAppFactory>(factory)
{
    private const int Burst = 4 * EdgeAppFactory.RefusalsPerMinute;

    private readonly HttpClient _socket = factory.SocketClient();

    [Fact]
    public async Task A_burst_of_unsigned_posts_leaves_signed_SMS_and_the_USSD_gateway_answered()
    {
        var forged = await ForgeAsync(Burst);

        Assert.True(forged[HttpStatusCode.Forbidden] >= EdgeAppFactory.RefusalsPerMinute, Describe(forged));
        Assert.True(forged.GetValueOrDefault(HttpStatusCode.TooManyRequests) > 0, "past its budget of refusals the address gets 429: " + Describe(forged));
        var sms = await _socket.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690100001", "hi"));
        Assert.Equal(HttpStatusCode.OK, sms.StatusCode);
        Assert.Single(await sms.MessagesAsync());
        var ussd = await UssdAsync("+237690100002", TwilioApiFactory.UssdSecret);
        Assert.Equal(HttpStatusCode.OK, ussd.StatusCode);
        Assert.StartsWith("CON ", await ussd.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Many_signed_SMS_from_one_address_at_once_are_all_answered()
    {
        // Each from its own patient: the per-patient budget is not what this is about.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 3 * EdgeAppFactory.RefusalsPerMinute).Select(async i =>
            (await _socket.PostTwilioAsync("/twilio/sms", TwilioRequests.Message($"+2376902{i:D5}", "hi"))).StatusCode));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task A_burst_of_forged_requests_writes_a_handful_of_log_lines_and_counts_every_one()
    {
        var before = Factory.Logs.Lines.Count;
        var counted = await RejectedAsync();

        var forged = await ForgeAsync(Burst);
        var refusedAt = await UssdAsync("+237690100003", "wrong-secret");

        var lines = Factory.Logs.Lines.Skip(before).Where(l => l.Contains("refused", StringComparison.Ordinal) || l.Contains("rejected", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count <= 4, $"{lines.Count} lines for {Burst + 1} refusals:\n{string.Join('\n', lines.Take(10))}");
        Assert.Equal(Burst, forged.Values.Sum());
        Assert.Equal(Burst + 1, await RejectedAsync() - counted);
        Assert.Contains(refusedAt.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests });
    }

    [Theory]
    [InlineData("/twilio/sms")]
    [InlineData("/twilio/voice")]
    [InlineData("/ussd")]
    public async Task An_oversize_unsigned_body_is_refused_with_413_before_it_is_read(string path)
    {
        // 80 KB in 40 fields of 2 KB: within every form limit (value length, count), so only the body limit refuses it.
        var body = string.Join('&', Enumerable.Range(0, 40).Select(i => $"Field{i}=" + new string('a', 2048)));
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded") };
        request.Headers.ExpectContinue = true; // the refusal comes before the body is sent: nothing was read
        var response = await _socket.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("/sendgrid/events/wrong")]
    [InlineData("/sendgrid/events/sendgrid-events-secret")]
    public async Task An_email_event_post_over_the_limit_is_refused_with_413_before_it_is_read(string path)
    {
        var padding = new string('x', TwilioFeedback.Webhooks.Status.SendGridEventEndpoints.MaxBodyBytes);
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent($$"""[{"event":"delivered","sg_message_id":"sg-1.filter0001","padding":"{{padding}}"}]""", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        var response = await _socket.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_WhatsApp_message_of_4096_accented_characters_is_answered()
    {
        var response = await _socket.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("whatsapp:+237690100004", new string('é', 4096)));

        Assert.Single(await response.MessagesAsync());
    }

    private async Task<Dictionary<HttpStatusCode, int>> ForgeAsync(int count)
    {
        var statuses = new List<HttpStatusCode>();
        // Sixteen connections at a time, as a flood arrives.
        foreach (var chunk in Enumerable.Range(0, count).Chunk(16))
        {
            statuses.AddRange(await Task.WhenAll(chunk.Select(async i =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/sms") { Content = new FormUrlEncodedContent(TwilioRequests.Message($"+2376903{i:D5}", "STOP")) };
                return (await _socket.SendAsync(request)).StatusCode;
            })));
        }
        return statuses.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
    }

    private Task<HttpResponseMessage> UssdAsync(string phone, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/ussd")
        {
            Content = new FormUrlEncodedContent([new("sessionId", "ATUid_" + Guid.NewGuid().ToString("N")), new("phoneNumber", phone), new("serviceCode", "*384*1234#"), new("text", "")]),
        };
        request.Headers.Add("X-Ussd-Secret", secret);
        return _socket.SendAsync(request);
    }

    /// <summary>tf_webhook_rejected_total over every reason, as /metrics exports it.</summary>
    private async Task<double> RejectedAsync()
    {
        using var text = new MemoryStream();
        await Factory.Services.GetRequiredService<CollectorRegistry>().CollectAndExportAsTextAsync(text);
        return Encoding.UTF8.GetString(text.ToArray()).Split('\n')
            .Where(l => l.StartsWith("tf_webhook_rejected_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Describe(Dictionary<HttpStatusCode, int> statuses) => string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}"));
}
