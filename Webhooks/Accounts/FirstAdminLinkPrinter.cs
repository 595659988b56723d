using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// No default password: once the server listens, on a database without any admin, prints a one-time
/// link (valid an hour) to the console that creates the first admin. The link itself never goes to the logs.
/// </summary>
public sealed partial class FirstAdminLinkPrinter(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, IServer server, IConfiguration configuration, ILogger<FirstAdminLinkPrinter> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = PrintAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The set-up URL when no admin exists, else null.</summary>
    public static async Task<string?> LinkAsync(IServiceProvider services, string baseUrl, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<FeedbackDbContext>();
        if (await HasAdminAsync(db, cancellationToken))
        {
            return null;
        }
        var token = services.GetRequiredService<AccountLinks>().Create(AccountLinks.FirstAdmin, "", "");
        return baseUrl.TrimEnd('/') + "/account/setup?token=" + Uri.EscapeDataString(token);
    }

    internal static Task<bool> HasAdminAsync(FeedbackDbContext db, CancellationToken cancellationToken) =>
        db.UserRoles.Join(db.Roles.Where(r => r.Name == StaffRoles.Admin), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId).AnyAsync(cancellationToken);

    private async Task PrintAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var link = await LinkAsync(scope.ServiceProvider, BaseUrl(), lifetime.ApplicationStopping);
            if (link is not null)
            {
                Console.Out.WriteLine($"""

                      No admin account yet. Create the first one within an hour, once, at:
                      {link}
                      (or on a server without a browser: scripts/admin create --email you@hospital.cm --role admin)

                    """);
                LogPrinted(logger);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(logger, exception);
        }
    }

    private string BaseUrl()
    {
        if (configuration["Webhooks:PublicBaseUrl"] is { Length: > 0 } publicUrl)
        {
            return publicUrl;
        }
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:8080";
        return address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal);
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "No admin account yet: a one-time set-up link (valid 1 h) was printed to the console")]
    private static partial void LogPrinted(ILogger logger);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Could not check for an admin account (is the database migrated?)")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
