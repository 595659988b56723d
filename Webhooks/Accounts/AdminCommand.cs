using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// <c>admin create|reset|disable --email … [--role admin|staff|translator] [--name "…"]</c>: accounts on a
/// server without a browser (<c>scripts/admin</c>). Create and reset print a one-time link to choose a password.
/// </summary>
public static class AdminCommand
{
    private const string Usage = "usage: admin create --email E [--role admin|staff|translator] [--name \"Full Name\"] | admin reset --email E | admin disable --email E";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var verb = args.Length > 1 ? args[1] : "";
        var email = Arg("--email")?.Trim();
        var role = Arg("--role") ?? StaffRoles.Admin;
        if (verb is not ("create" or "reset" or "disable") || string.IsNullOrEmpty(email) || !StaffRoles.All.Contains(role))
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var configuration = provider.GetRequiredService<IConfiguration>();
        if (configuration.GetValue<bool>("Database:ApplyMigrations"))
        {
            await provider.GetRequiredService<FeedbackDbContext>().Database.MigrateAsync();
        }
        var users = provider.GetRequiredService<UserManager<StaffUser>>();
        var audit = provider.GetRequiredService<AccountAudit>();
        var user = await users.FindByEmailAsync(email);
        if (verb == "create")
        {
            if (user is not null)
            {
                await Console.Error.WriteLineAsync($"{email} already has an account: use admin reset.");
                return 1;
            }
            user = new StaffUser { UserName = email, Email = email, DisplayName = Arg("--name") ?? email, CreatedAt = provider.GetRequiredService<TimeProvider>().GetUtcNow() };
            if (await users.CreateAsync(user) is { Succeeded: false } failed)
            {
                await Console.Error.WriteLineAsync(string.Join(" ", failed.Errors.Select(e => e.Description)));
                return 1;
            }
            await UserEndpoints.SetRoleAsync(users, provider.GetRequiredService<RoleManager<IdentityRole>>(), user, role);
            await audit.RecordAsync("scripts/admin", "role", $"user {user.Id}: {role} (created)", CancellationToken.None);
        }
        else if (user is null)
        {
            await Console.Error.WriteLineAsync($"No account for {email}.");
            return 1;
        }
        if (verb == "disable")
        {
            user.Disabled = true;
            await users.UpdateAsync(user);
            await users.UpdateSecurityStampAsync(user);
            await audit.RecordAsync("scripts/admin", "disable", "user " + user.Id, CancellationToken.None);
            Console.WriteLine($"{email} is disabled: signed out everywhere, its tokens refused.");
            return 0;
        }
        if (verb == "reset")
        {
            user.Disabled = false;
            await users.UpdateAsync(user);
            await users.SetLockoutEndDateAsync(user, null);
            await UserEndpoints.EndPasswordAsync(users, user);
            await audit.RecordAsync("scripts/admin", "password-reset", "user " + user.Id, CancellationToken.None);
        }
        var baseUrl = configuration["Webhooks:PublicBaseUrl"] is { Length: > 0 } url ? url : "http://localhost:" + (Environment.GetEnvironmentVariable("PORT") ?? "8080");
        var link = await UserEndpoints.PasswordLinkAsync(null, baseUrl, users, provider.GetRequiredService<AccountLinks>(), user);
        Console.WriteLine($"One-time link for {email} to choose a password (valid an hour):\n{link}");
        return 0;
    }
}
