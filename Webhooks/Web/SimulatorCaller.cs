using System.Net;
using System.Security.Claims;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>Who uses the simulator (as the audit log names them), and whether they may without a token.</summary>
public static class SimulatorCaller
{
    public static bool IsStaff(ClaimsPrincipal user) => user.IsInRole("staff") || user.IsInRole("admin");

    public static string Of(HttpContext context) => Api.AuditLog.ActorOf(context.User, context.Connection.RemoteIpAddress);

    /// <summary>Without a token only this machine may use it (scripts/run listens on localhost); the in-process test host has no address.</summary>
    public static bool IsLocal(HttpContext context) => context.Connection.RemoteIpAddress is not { } address || IPAddress.IsLoopback(address);
}
