using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;

namespace TwilioFeedback.Tests.Api;

/// <summary>Small on slow links: compression both ways, ETags, and single items under 1 KB on the wire.</summary>
public sealed class BandwidthTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private async Task<long> CreateFeedbackAsync()
    {
        var response = await Client.PostAsync("/api/v1/feedback", new StringContent(
            $$"""{"patient_id":"PAT123","language":"french","rating":2,"content":"{{new string('x', 200)}} attente trop longue au guichet"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Answers_are_compressed_and_a_single_item_stays_under_1_KB_on_the_wire(string encoding)
    {
        var feedback = await CreateFeedbackAsync();
        var reminder = await Client.CreateAsync($$"""{"patient_id":"PAT123","message":"Rendez-vous demain à 9 h au service de maternité, bâtiment B.","language":"fr","scheduled_time":"{{Factory.Now()}}","phone_number":"+237677000001","email":"p@example.org","channels":["sms","email"]}""");
        await Factory.DispatchAsync(); // dry-run: one attempt recorded

        foreach (var path in new[] { $"/api/v1/feedback/{feedback}", $"/api/v1/reminders/{reminder}" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
            var response = await Client.SendAsync(request);
            Assert.Equal(encoding, response.Content.Headers.ContentEncoding.Single());
            var wire = await response.Content.ReadAsByteArrayAsync();
            Assert.True(wire.Length < 1024, $"{path}: {wire.Length} bytes on the wire");
            using var decoded = encoding == "br" ? (Stream)new BrotliStream(new MemoryStream(wire), CompressionMode.Decompress) : new GZipStream(new MemoryStream(wire), CompressionMode.Decompress);
            var json = await new StreamReader(decoded).ReadToEndAsync();
            Assert.DoesNotContain("null", json); // nulls are left out
            Assert.StartsWith("{\"id\":", json);
        }
    }

    [Fact]
    public async Task A_gzip_request_body_is_accepted()
    {
        var json = Encoding.UTF8.GetBytes("""{"patient_id":"PAT9","language":"en","rating":5,"content":"sent compressed"}""");
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(json);
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");

        var response = await Client.PostAsync("/api/v1/feedback", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("sent compressed", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unchanged_item_answers_304_to_its_ETag()
    {
        var id = await CreateFeedbackAsync();
        var first = await Client.GetAsync($"/api/v1/feedback/{id}");
        var etag = first.Headers.ETag!;

        var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/feedback/{id}");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await Client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        var stale = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/feedback/{id}");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(stale)).StatusCode);
    }
}

/// <summary>A server with a tiny API budget, to see the limit answer.</summary>
public sealed class TightBudgetFactory : AppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["RateLimits:ApiPermitsPerMinute"] = "3" };
}

public sealed class RateLimitTests(TightBudgetFactory factory) : IntegrationTest<TightBudgetFactory>(factory)
{
    [Fact]
    public async Task Past_the_budget_the_API_answers_429_with_Retry_After()
    {
        var nurse = Factory.ClientWith(AppFactory.Token("staff", name: "Busy Nurse"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await nurse.GetAsync("/api/v1/feedback")).StatusCode);
        }
        var refused = await nurse.GetAsync("/api/v1/feedback");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        // Another person's budget is their own.
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientWith(AppFactory.Token("staff", name: "Other Nurse")).GetAsync("/api/v1/feedback")).StatusCode);
    }
}

/// <summary>A server that lets each patient number send 3 conversation webhooks a minute.</summary>
public sealed class TightPatientBudgetFactory : AppFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:PatientPermitsPerMinute"] = "3",
        ["Ussd:SharedSecret"] = TwilioApiFactory.UssdSecret,
    };
}

public sealed class PatientRateLimitTests(TightPatientBudgetFactory factory) : IntegrationTest<TightPatientBudgetFactory>(factory)
{
    [Fact]
    public async Task Past_a_numbers_budget_its_webhooks_answer_429_and_other_numbers_go_on()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.NotEmpty(await (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690000001", "hello"))).MessagesAsync());
        }
        // The same person on WhatsApp, and with the number written another way, shares the budget.
        var refused = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("whatsapp:+237690000001", "hello"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("237690000001", "hello"))).StatusCode);
        Assert.NotEmpty(await (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690000002", "hello"))).MessagesAsync());
    }

    [Fact]
    public async Task Requests_refused_for_a_bad_signature_or_secret_do_not_spend_the_patients_budget()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690000003", "hi"), signature: "forged")).StatusCode);
            var ussd = new HttpRequestMessage(HttpMethod.Post, "/ussd/wrong-secret")
            {
                Content = new FormUrlEncodedContent([new("sessionId", "S1"), new("phoneNumber", "+237690000003"), new("serviceCode", "*123#"), new("text", "")]),
            };
            Assert.Equal(HttpStatusCode.Forbidden, (await Client.SendAsync(ussd)).StatusCode);
        }
        Assert.NotEmpty(await (await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690000003", "hi"))).MessagesAsync());
        var allowed = new HttpRequestMessage(HttpMethod.Post, "/ussd/" + TwilioApiFactory.UssdSecret)
        {
            Content = new FormUrlEncodedContent([new("sessionId", "S2"), new("phoneNumber", "+237690000003"), new("serviceCode", "*123#"), new("text", "")]),
        };
        var answer = await Client.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.StartsWith("CON ", await answer.Content.ReadAsStringAsync());
    }
}
