using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;
using static TwilioFeedback.Webhooks.Accounts.AccountPage;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>Sign-in (password, then an authenticator code when two-factor is on), sign-out, the first admin's set-up and one-time password links.</summary>
public static class AccountEndpoints
{
    /// <summary>The same words whatever went wrong: they never tell whether an email has an account.</summary>
    public const string SignInFailed = "Sign-in failed. Check your email and password. After 5 failed attempts an account is locked for 15 minutes.";

    /// <summary>Past a budget of <see cref="SignInBudget"/>: the same words for an address and for an account.</summary>
    public const string TooManyAttempts = "Too many sign-in attempts. Wait a minute, then try again.";

    private static readonly (string Key, string Text) Failed = ("acct.signin.failed", SignInFailed);
    private static readonly (string Key, string Text) TooMany = ("acct.signin.toomany", TooManyAttempts);

    /// <summary>A hash of no one's password, checked when the email has no usable account.</summary>
    private static string? _unknownAccountHash;

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();
        account.MapGet("/signin", (HttpContext context, string? returnUrl) => SignInPage(context, returnUrl, null));
        account.MapPost("/signin", SignInAsync);
        account.MapGet("/signin/code", (HttpContext context, string? returnUrl) => CodePage(context, returnUrl, null));
        account.MapPost("/signin/code", CodeAsync);
        account.MapPost("/signout", async (SignInManager<StaffUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.Redirect("/account/signin");
        });
        account.MapGet("/denied", (HttpContext context) => Render(context, "acct.denied", "No access",
            Text("acct.denied.body", "Your account may not open this page. Ask an admin if you need it.") + """<p><a href="/account" data-t="acct.home">Account</a></p>""",
            StatusCodes.Status403Forbidden));
        account.MapGet("/setup", SetupPageAsync);
        account.MapPost("/setup", SetupAsync);
        account.MapGet("/password", async (HttpContext context, string? token, AccountLinks links, UserManager<StaffUser> users) =>
            await LiveLinkUserAsync(links, users, token) is null ? LinkGone(context) : PasswordPage(context, token!, null));
        account.MapPost("/password", SetPasswordAsync);
        account.MapGet("/csrf", (HttpContext context, IAntiforgery antiforgery) =>
            TypedResults.Ok(new CsrfToken(antiforgery.GetAndStoreTokens(context).RequestToken ?? "")));
        account.MapGet("", HomeAsync).RequireAuthorization();
        // Who is signed in, for the pages to show only what the role may use (the API still decides).
        account.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new SignedIn(
            user.Identity?.Name ?? "", [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value).Concat(user.FindAll("role").Select(c => c.Value)).Distinct()])))
            .RequireAuthorization();
        app.MapTwoFactor();
        app.MapUsers();
        app.MapPersonalTokens();
        return app;
    }

    /// <summary>What the pages' scripts send back as <c>X-CSRF-TOKEN</c> on their API POSTs.</summary>
    public sealed record CsrfToken(string Token);

    public sealed record SignedIn(string Name, string[] Roles);

    internal static string Local(string? returnUrl) =>
        returnUrl is { Length: > 1 } && returnUrl[0] == '/' && returnUrl[1] is not ('/' or '\\') ? returnUrl : "/account";

    private static IResult SignInPage(HttpContext context, string? returnUrl, (string Key, string Text)? error, int status = StatusCodes.Status400BadRequest) => Render(context, "acct.signin", "Sign in",
        (error is not { } e ? "" : Text(e.Key, e.Text, "p", " role=\"alert\" class=\"warning\"")) +
        Form(context, "/account/signin?returnUrl=" + Uri.EscapeDataString(Local(returnUrl)),
            Field("email", "acct.email", "Email", "email", "autocomplete=\"username\" required") +
            Field("password", "acct.password", "Password", "password", "autocomplete=\"current-password\" required") +
            Button("acct.signin.submit", "Sign in"), "card"),
        error is null ? StatusCodes.Status200OK : status);

    private static async Task<IResult> SignInAsync(HttpContext context, string? returnUrl, SignInManager<StaffUser> signIn, AccountAudit audit, SignInBudget budget)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var email = form["email"].ToString().Trim();
        if (!budget.TrySpend(context, signIn.UserManager.NormalizeEmail(email.Length <= 256 ? email : email[..256]) ?? ""))
        {
            return SignInPage(context, returnUrl, TooMany, StatusCodes.Status429TooManyRequests);
        }
        var user = email.Length is > 0 and <= 256 ? await signIn.UserManager.FindByEmailAsync(email) : null;
        if (user is null || user.Disabled)
        {
            // As long as a real check, so the answer's time does not tell whether the email has an account.
            var hasher = signIn.UserManager.PasswordHasher;
            hasher.VerifyHashedPassword(user ?? new StaffUser(), _unknownAccountHash ??= hasher.HashPassword(new StaffUser(), Guid.NewGuid().ToString()), form["password"].ToString());
            await audit.RecordAsync(email.Length <= 128 ? email : "?", "sign-in-failed", "no usable account", context.RequestAborted);
            return SignInPage(context, returnUrl, Failed);
        }
        var result = await signIn.PasswordSignInAsync(user, form["password"].ToString(), isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await audit.RecordAsync(user.Email!, "sign-in", "user " + user.Id, context.RequestAborted);
            return TypedResults.Redirect(Local(returnUrl));
        }
        if (result.RequiresTwoFactor)
        {
            return TypedResults.Redirect("/account/signin/code?returnUrl=" + Uri.EscapeDataString(Local(returnUrl)));
        }
        await audit.RecordAsync(user.Email!, result.IsLockedOut ? "lockout" : "sign-in-failed", "user " + user.Id, context.RequestAborted);
        return SignInPage(context, returnUrl, Failed);
    }

    private static IResult CodePage(HttpContext context, string? returnUrl, (string Key, string Text)? error, int status = StatusCodes.Status400BadRequest) => Render(context, "acct.code", "Two-factor code",
        (error is not { } e ? "" : Text(e.Key, e.Text, "p", " role=\"alert\" class=\"warning\"")) +
        Form(context, "/account/signin/code?returnUrl=" + Uri.EscapeDataString(Local(returnUrl)),
            Field("code", "acct.code.label", "Code from your authenticator app, or a recovery code", "text", "autocomplete=\"one-time-code\" required") +
            Button("acct.code.submit", "Continue"), "card"),
        error is null ? StatusCodes.Status200OK : status);

    private static async Task<IResult> CodeAsync(HttpContext context, string? returnUrl, SignInManager<StaffUser> signIn, AccountAudit audit, SignInBudget budget)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return TypedResults.Redirect("/account/signin");
        }
        if (!budget.TrySpend(context, user.NormalizedEmail ?? user.Id))
        {
            return CodePage(context, returnUrl, TooMany, StatusCodes.Status429TooManyRequests);
        }
        var code = (await context.Request.ReadFormAsync(context.RequestAborted))["code"].ToString().Replace(" ", "", StringComparison.Ordinal).Trim();
        var result = code.Length == 6 && code.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        await audit.RecordAsync(user.Email!, result.Succeeded ? "sign-in" : result.IsLockedOut ? "lockout" : "sign-in-failed", "user " + user.Id + " (2fa)", context.RequestAborted);
        return result.Succeeded ? TypedResults.Redirect(Local(returnUrl)) : CodePage(context, returnUrl, ("acct.code.failed", "That code did not work. Try the newest code."));
    }

    private static IResult TooManyPage(HttpContext context) => Render(context, "acct.toomany", "Too many attempts",
        Text(TooMany.Key, TooMany.Text, "p", " role=\"alert\" class=\"warning\""), StatusCodes.Status429TooManyRequests);

    private static IResult LinkGone(HttpContext context) => Render(context, "acct.link.gone", "Link no longer valid",
        Text("acct.link.gone.body", "This link has expired or was already used. Ask an admin for a new one."), StatusCodes.Status410Gone);

    private static async Task<IResult> SetupPageAsync(HttpContext context, string? token, AccountLinks links, FeedbackDbContext db) =>
        links.Read(AccountLinks.FirstAdmin, token) is null || await FirstAdminLinkPrinter.HasAdminAsync(db, context.RequestAborted)
            ? LinkGone(context)
            : SetupPage(context, token!, null);

    /// <summary>The set-up form; <paramref name="alert"/> is the refusal's markup, when there is one.</summary>
    private static IResult SetupPage(HttpContext context, string token, string? alert) => Render(context, "acct.setup", "Create the first admin",
        (alert ?? "") +
        Form(context, "/account/setup?token=" + Uri.EscapeDataString(token),
            NameField("Your name") +
            Field("email", "acct.email", "Email", "email", "autocomplete=\"username\" required") +
            NewPasswordField(context) +
            Button("acct.setup.submit", "Create admin"), "card"),
        alert is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    private static async Task<IResult> SetupAsync(HttpContext context, string? token, AccountLinks links, FeedbackDbContext db,
        UserManager<StaffUser> users, RoleManager<IdentityRole> roles, SignInManager<StaffUser> signIn, AccountAudit audit, TimeProvider clock, SignInBudget budget)
    {
        if (!budget.TrySpend(context))
        {
            return TooManyPage(context);
        }
        if (links.Read(AccountLinks.FirstAdmin, token) is null || await FirstAdminLinkPrinter.HasAdminAsync(db, context.RequestAborted))
        {
            return LinkGone(context);
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].ToString().Trim();
        if (NameRefusal(name) is { } refusal)
        {
            return SetupPage(context, token!, refusal);
        }
        var user = new StaffUser { UserName = form["email"].ToString().Trim(), Email = form["email"].ToString().Trim(), DisplayName = name, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user, form["password"].ToString());
        if (!created.Succeeded)
        {
            return SetupPage(context, token!, PageIdentityErrors.Alert(created.Errors));
        }
        await UserEndpoints.SetRoleAsync(users, roles, user, StaffRoles.Admin);
        await audit.RecordAsync(user.Email!, "role", $"user {user.Id}: admin (first admin)", context.RequestAborted);
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.Redirect("/account");
    }

    /// <summary>The password form; <paramref name="alert"/> is the refusal's markup, when there is one.</summary>
    private static IResult PasswordPage(HttpContext context, string token, string? alert) => Render(context, "acct.setpassword", "Choose your password",
        (alert ?? "") +
        Form(context, "/account/password?token=" + Uri.EscapeDataString(token),
            NewPasswordField(context) +
            Button("acct.setpassword.submit", "Save password"), "card"),
        alert is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);

    /// <summary>The new-password field, its label saying the length <c>Accounts:Password:RequiredLength</c> asks for.</summary>
    private static string NewPasswordField(HttpContext context)
    {
        var length = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.Password.RequiredLength
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Field("password", "acct.newpassword", $"Password (at least {length} characters)", "password", "autocomplete=\"new-password\" required", length);
    }

    /// <summary>The account a password link is for while it is live: not expired, the account enabled, its security stamp unchanged since (so a spent link shows as gone).</summary>
    private static async Task<StaffUser?> LiveLinkUserAsync(AccountLinks links, UserManager<StaffUser> users, string? token)
    {
        var link = links.Read(AccountLinks.SetPassword, token);
        var user = link is null ? null : await users.FindByIdAsync(link.Value.UserId);
        return user is not null && !user.Disabled && user.SecurityStamp == link!.Value.Stamp ? user : null;
    }

    private static async Task<IResult> SetPasswordAsync(HttpContext context, string? token, AccountLinks links, UserManager<StaffUser> users, AccountAudit audit, SignInBudget budget)
    {
        if (!budget.TrySpend(context))
        {
            return TooManyPage(context);
        }
        if (await LiveLinkUserAsync(links, users, token) is not { } user)
        {
            return LinkGone(context);
        }
        var password = (await context.Request.ReadFormAsync(context.RequestAborted))["password"].ToString();
        foreach (var validator in users.PasswordValidators)
        {
            if (await validator.ValidateAsync(users, user, password) is { Succeeded: false } invalid)
            {
                return PasswordPage(context, token!, PageIdentityErrors.Alert(invalid.Errors));
            }
        }
        if (await users.HasPasswordAsync(user))
        {
            await users.RemovePasswordAsync(user);
        }
        await users.AddPasswordAsync(user, password); // changes the security stamp: the link is spent
        await users.SetLockoutEndDateAsync(user, null);
        await audit.RecordAsync(user.Email!, "password", "user " + user.Id, context.RequestAborted);
        return TypedResults.Redirect("/account/signin");
    }

    private static async Task<IResult> HomeAsync(HttpContext context, UserManager<StaffUser> users)
    {
        var user = await users.GetUserAsync(context.User);
        if (user is null)
        {
            return TypedResults.Redirect("/account/signin");
        }
        var roles = await users.GetRolesAsync(user);
        var links = new List<string> { """<li><a href="/account/2fa" data-t="acct.2fa">Two-factor sign-in</a></li>""", """<li><a href="/account/tokens" data-t="acct.tokens">Personal access tokens</a></li>""" };
        if (roles.Contains(StaffRoles.Admin))
        {
            links.Insert(0, """<li><a href="/account/users" data-t="acct.users">Users</a></li>""");
        }
        return Render(context, "acct.home", "Account",
            $"""<section class="card"><p><span data-t="acct.signedinas">Signed in as</span> <strong id="whoami">{E(user.DisplayName)}</strong> ({E(user.Email)}) · <span id="roles">{string.Join(", ", roles.Select(r => Text("acct.role." + E(r), RoleName(r), "span")))}</span></p><ul>{string.Concat(links)}</ul></section>""");
    }

    internal static string? Name(ClaimsPrincipal user) => user.FindFirst("name")?.Value ?? user.Identity?.Name;
}
