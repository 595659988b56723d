using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>The hospital's SMTP server configured but down: a loopback port nothing listens on.</summary>
public sealed class SmtpDownFactory : AppFactory
{
    private static readonly int ClosedPort = FreePort();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:SendGridApiKey"] = "",
        ["Email:SmtpHost"] = "127.0.0.1",
        ["Email:SmtpPort"] = ClosedPort.ToString(CultureInfo.InvariantCulture),
        ["Email:SmtpSecurity"] = "None",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
