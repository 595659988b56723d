using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Scheduling.Email;
using static TwilioFeedback.Webhooks.Accounts.AccountPage;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>The users page (admins): invite by one-time link, change a role, disable or enable, reset a password by a fresh link, create a personal token for someone.</summary>
public static partial class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/account/users").ExcludeFromDescription().RequireAuthorization(StaffAuth.AdminPolicy);
        users.MapGet("", (HttpContext context, UserManager<StaffUser> manager) => ListAsync(context, manager, null));
        users.MapPost("/invite", InviteAsync);
        users.MapPost("/{id}/role", ChangeRoleAsync);
        users.MapPost("/{id}/disable", (HttpContext context, string id, UserManager<StaffUser> manager, AccountAudit audit) => SetDisabledAsync(context, id, true, manager, audit));
        users.MapPost("/{id}/enable", (HttpContext context, string id, UserManager<StaffUser> manager, AccountAudit audit) => SetDisabledAsync(context, id, false, manager, audit));
        users.MapPost("/{id}/reset", ResetAsync);
        users.MapPost("/{id}/tokens", TokenAsync);
        return app;
    }

    /// <summary>Gives <paramref name="user"/> exactly one role (creating the role on first use).</summary>
    public static async Task SetRoleAsync(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, StaffUser user, string role)
    {
        if (!await roles.RoleExistsAsync(role))
        {
            await roles.CreateAsync(new IdentityRole(role));
        }
        var current = await users.GetRolesAsync(user);
        await users.RemoveFromRolesAsync(user, current.Where(r => r != role));
        if (!current.Contains(role))
        {
            await users.AddToRoleAsync(user, role);
        }
    }

    /// <summary>A one-time link that lets <paramref name="user"/> choose a password (valid an hour).</summary>
    public static async Task<string> PasswordLinkAsync(HttpContext? context, string baseUrl, UserManager<StaffUser> users, AccountLinks links, StaffUser user)
    {
        await users.UpdateSecurityStampAsync(user); // any older link dies
        var root = context is null ? baseUrl : $"{context.Request.Scheme}://{context.Request.Host}";
        return root.TrimEnd('/') + "/account/password?token=" + Uri.EscapeDataString(links.Create(AccountLinks.SetPassword, user.Id, user.SecurityStamp!));
    }

    /// <summary>
    /// A reset is for a forgotten or compromised password: the old one stops working at once and, with the
    /// security stamp changed, the person's open sessions end within a minute; the fresh link sets a new one.
    /// </summary>
    public static async Task EndPasswordAsync(UserManager<StaffUser> users, StaffUser user)
    {
        if (await users.HasPasswordAsync(user))
        {
            await users.RemovePasswordAsync(user);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext context, UserManager<StaffUser> manager, string? notice, int status = StatusCodes.Status200OK)
    {
        var rows = new List<string>();
        foreach (var user in await manager.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(context.RequestAborted))
        {
            var role = (await manager.GetRolesAsync(user)).FirstOrDefault() ?? "";
            var options = RoleOptions(role);
            rows.Add($"""
                <tr data-email="{E(user.Email)}"><td>{E(user.DisplayName)}<br><small>{E(user.Email)}</small></td>
                <td>{Form(context, $"/account/users/{user.Id}/role", $"<label class=\"hidden\" for=\"role-{user.Id}\" data-t=\"acct.role\">Role</label><select id=\"role-{user.Id}\" name=\"role\">{options}</select> {Button("acct.users.save", "Save")}")}</td>
                <td>{(user.Disabled ? Text("acct.users.disabled", "Disabled", "span") : Text("acct.users.active", "Active", "span"))}</td>
                <td>{Form(context, $"/account/users/{user.Id}/{(user.Disabled ? "enable" : "disable")}", user.Disabled ? Button("acct.users.enable", "Enable") : Button("acct.users.disable", "Disable"))}
                {Form(context, $"/account/users/{user.Id}/reset", Button("acct.users.reset", "Reset password"))}</td>
                <td>{Form(context, $"/account/users/{user.Id}/tokens", $"<label class=\"hidden\" for=\"token-name-{user.Id}\" data-t=\"acct.users.tokenname\">Token name</label><input id=\"token-name-{user.Id}\" name=\"name\" required maxlength=\"64\" data-t-placeholder=\"acct.users.tokenname\" placeholder=\"Token name\"> <label class=\"hidden\" for=\"token-days-{user.Id}\" data-t=\"acct.users.tokendays\">Days</label><input id=\"token-days-{user.Id}\" name=\"days\" type=\"number\" min=\"1\" max=\"366\" value=\"30\" required> {Button("acct.tokens.create", "Create token")}")}</td></tr>
                """);
        }
        var roleOptions = RoleOptions(StaffRoles.Staff);
        return Render(context, "acct.users", "Users",
            (notice ?? "") +
            Form(context, "/account/users/invite",
                Text("acct.users.invite", "Invite someone", "h2") +
                NameField("Name") +
                Field("email", "acct.email", "Email", "email", "required") +
                $"<label for=\"role\" data-t=\"acct.role\">Role</label><select id=\"role\" name=\"role\">{roleOptions}</select>" +
                Button("acct.users.invite.submit", "Invite"), "card") +
            $"""<section class="card"><table id="users"><tbody>{string.Concat(rows)}</tbody></table></section>""",
            status);
    }

    private static string LinkNotice(string key, string text, string link, string role = "status") =>
        $"""<section class="card" role="{role}">{Text(key, text)}<p><input id="one-time-link" readonly value="{E(link)}" aria-label="One-time link"></p></section>""";

    private static async Task<IResult> InviteAsync(HttpContext context, UserManager<StaffUser> users, RoleManager<IdentityRole> roles, AccountLinks links,
        AccountAudit audit, IEmailSender email, IOptions<EmailOptions> emailOptions, TimeProvider clock, ILogger<AccountAudit> logger)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var role = form["role"].ToString();
        var address = form["email"].ToString().Trim();
        if (!StaffRoles.All.Contains(role))
        {
            return await ListAsync(context, users, Text("acct.users.badrole", "Choose admin, staff or translator.", "p", " role=\"alert\" class=\"warning\""), StatusCodes.Status400BadRequest);
        }
        var name = form["name"].ToString().Trim();
        if (NameRefusal(name) is { } refusal)
        {
            return await ListAsync(context, users, refusal, StatusCodes.Status400BadRequest);
        }
        var user = new StaffUser { UserName = address, Email = address, DisplayName = name, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return await ListAsync(context, users, PageIdentityErrors.Alert(created.Errors), StatusCodes.Status400BadRequest);
        }
        await SetRoleAsync(users, roles, user, role);
        await audit.RecordAsync(AccountEndpoints.Name(context.User) ?? "?", "role", $"user {user.Id}: {role} (invited)", context.RequestAborted);
        var link = await PasswordLinkAsync(context, "", users, links, user);
        if (!emailOptions.Value.DryRun)
        {
            var sent = await email.SendAsync(address, "Your TwilioFeedback account",
                $"You have been invited to TwilioFeedback. Choose your password within an hour, once, at:\n{link}\n", context.RequestAborted);
            if (sent.Succeeded)
            {
                return await ListAsync(context, users, Text("acct.users.emailed", "Invitation sent by email.", "p", " role=\"status\" class=\"card\""));
            }
            LogInvitationNotSent(logger, user.Id, sent.Error);
            await audit.RecordAsync(AccountEndpoints.Name(context.User) ?? "?", "invite-unsent", "user " + user.Id, context.RequestAborted);
            return await ListAsync(context, users, LinkNotice("acct.users.emailfailed",
                "The invitation email could not be sent (the mail server did not take it). Send this one-time link to the person yourself (valid an hour, shown only now):", link, "alert"));
        }
        return await ListAsync(context, users, LinkNotice("acct.users.copy", "Send this one-time link to the person (valid an hour, shown only now):", link));
    }

    private static async Task<IResult> ChangeRoleAsync(HttpContext context, string id, UserManager<StaffUser> users, RoleManager<IdentityRole> roles, AccountAudit audit)
    {
        var role = (await context.Request.ReadFormAsync(context.RequestAborted))["role"].ToString();
        var user = await users.FindByIdAsync(id);
        if (user is null || !StaffRoles.All.Contains(role))
        {
            return await ListAsync(context, users, Text("acct.users.badrole", "Choose admin, staff or translator.", "p", " role=\"alert\" class=\"warning\""), StatusCodes.Status400BadRequest);
        }
        await SetRoleAsync(users, roles, user, role);
        await users.UpdateSecurityStampAsync(user); // open sessions pick up the new role
        await audit.RecordAsync(AccountEndpoints.Name(context.User) ?? "?", "role", $"user {user.Id}: {role}", context.RequestAborted);
        return TypedResults.Redirect("/account/users");
    }

    private static async Task<IResult> SetDisabledAsync(HttpContext context, string id, bool disabled, UserManager<StaffUser> users, AccountAudit audit)
    {
        if (await users.FindByIdAsync(id) is { } user)
        {
            user.Disabled = disabled;
            await users.UpdateAsync(user);
            await users.UpdateSecurityStampAsync(user); // signs the person out everywhere
            await audit.RecordAsync(AccountEndpoints.Name(context.User) ?? "?", disabled ? "disable" : "enable", "user " + user.Id, context.RequestAborted);
        }
        return TypedResults.Redirect("/account/users");
    }

    private static async Task<IResult> ResetAsync(HttpContext context, string id, UserManager<StaffUser> users, AccountLinks links, AccountAudit audit)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return TypedResults.Redirect("/account/users");
        }
        await EndPasswordAsync(users, user);
        var link = await PasswordLinkAsync(context, "", users, links, user);
        await audit.RecordAsync(AccountEndpoints.Name(context.User) ?? "?", "password-reset", "user " + user.Id, context.RequestAborted);
        return await ListAsync(context, users, LinkNotice("acct.users.copy", "Send this one-time link to the person (valid an hour, shown only now):", link));
    }

    private static async Task<IResult> TokenAsync(HttpContext context, string id, UserManager<StaffUser> users, FeedbackDbContext db, TimeProvider clock, AccountAudit audit)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return TypedResults.Redirect("/account/users");
        }
        return await PersonalTokenEndpoints.CreateForAsync(context, user.Id, db, clock, audit) is { } shown
            ? await ListAsync(context, users, shown)
            : await ListAsync(context, users, PersonalTokenEndpoints.Invalid, StatusCodes.Status400BadRequest);
    }

    [LoggerMessage(EventId = 1410, Level = LogLevel.Warning, Message = "The invitation email for user {UserId} was not sent ({Error}): the page shows the link instead")]
    private static partial void LogInvitationNotSent(ILogger logger, string userId, string? error);
}
