using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.Timeout;
using TwilioFeedback.Scheduling;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>Which failed sends are retried at once: only those the provider surely did not act on.</summary>
public sealed class ProviderResilienceTests
{
    public static TheoryData<string, HttpStatusCode, bool> Answers => new()
    {
        { "rate limited", HttpStatusCode.TooManyRequests, true },
        { "unavailable", HttpStatusCode.ServiceUnavailable, true },
        { "internal error: may have been sent", HttpStatusCode.InternalServerError, false },
        { "bad gateway: may have been sent", HttpStatusCode.BadGateway, false },
        { "gateway timeout: may have been sent", HttpStatusCode.GatewayTimeout, false },
        { "request timeout: may have been sent", HttpStatusCode.RequestTimeout, false },
        { "refused for good", HttpStatusCode.BadRequest, false },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void An_answer_is_retried_only_if_it_says_the_request_was_not_acted_on(string label, HttpStatusCode status, bool retried)
    {
        using var response = new HttpResponseMessage(status);
        Assert.True(retried == ProviderResilience.SurelyNotActedOn(Outcome.FromResult(response)), label);
    }

    [Fact]
    public async Task A_connection_refused_is_retried()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        using var client = new HttpClient();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"http://127.0.0.1:{port}/Messages.json", new StringContent("")));

        Assert.True(ProviderResilience.SurelyNotActedOn(Outcome.FromException<HttpResponseMessage>(refused)));
    }

    [Fact]
    public void A_timeout_or_a_response_cut_off_after_sending_is_not_retried()
    {
        Assert.False(ProviderResilience.SurelyNotActedOn(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));
        Assert.False(ProviderResilience.SurelyNotActedOn(Outcome.FromException<HttpResponseMessage>(
            new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."))));
    }
}
