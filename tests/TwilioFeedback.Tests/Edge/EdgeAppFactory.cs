using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Edge;

/// <summary>
/// The server on a real loopback socket (Kestrel enforces the body limits the in-memory server
/// ignores), every request from 127.0.0.1 — one address, like Twilio's — and a small budget of refused
/// requests per address so that a burst spends it quickly.
/// </summary>
public sealed class EdgeAppFactory : TwilioApiFactory
{
    /// <summary>Refused requests an address may make in a minute before it gets 429.</summary>
    public const int RefusalsPerMinute = 50;

    public EdgeAppFactory() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["RateLimits:WebhookPermitsPerMinute"] = RefusalsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return settings;
        }
    }

    protected override void StartHost() => StartServer();

    /// <summary>
    /// A client on the real socket; every request gives up after 20 seconds, and one that expects
    /// <c>100 Continue</c> waits for it (or for the refusal) before it sends its body.
    /// </summary>
    public HttpClient SocketClient() => new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, Expect100ContinueTimeout = TimeSpan.FromSeconds(20) })
    {
        BaseAddress = new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
        Timeout = TimeSpan.FromSeconds(20),
    };
}
