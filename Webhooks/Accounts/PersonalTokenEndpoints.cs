using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;
using static TwilioFeedback.Webhooks.Accounts.AccountPage;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>A person's personal access tokens: create (named, 1–366 days, shown once), list with last use, revoke.</summary>
public static class PersonalTokenEndpoints
{
    public static IEndpointRouteBuilder MapPersonalTokens(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account/tokens").ExcludeFromDescription().RequireAuthorization();
        group.MapGet("", (HttpContext context, UserManager<StaffUser> users, FeedbackDbContext db, TimeProvider clock) => PageAsync(context, users, db, clock, null));
        group.MapPost("", CreateAsync);
        group.MapPost("/{id:long}/revoke", RevokeAsync);
        return app;
    }

    private static async Task<IResult> PageAsync(HttpContext context, UserManager<StaffUser> users, FeedbackDbContext db, TimeProvider clock, string? notice,
        int status = StatusCodes.Status200OK)
    {
        var userId = users.GetUserId(context.User);
        var now = clock.GetUtcNow();
        var tokens = await db.PersonalAccessTokens.AsNoTracking().Where(t => t.UserId == userId).OrderByDescending(t => t.CreatedAt).ToListAsync(context.RequestAborted);
        string Date(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "—";
        var rows = string.Concat(tokens.Select(t => $"""
            <tr data-name="{E(t.Name)}"><td>{E(t.Name)}</td><td>{Date(t.ExpiresAt)}</td><td>{Date(t.LastUsedAt)}</td>
            <td>{(t.RevokedAt is not null ? Text("acct.tokens.revoked", "Revoked", "span") : t.ExpiresAt <= now ? Text("acct.tokens.expired", "Expired", "span")
                : Form(context, $"/account/tokens/{t.Id}/revoke", Button("acct.tokens.revoke", "Revoke")))}</td></tr>
            """));
        return Render(context, "acct.tokens", "Personal access tokens",
            (notice ?? "") +
            Form(context, "/account/tokens",
                Text("acct.tokens.help", "A token lets a script or another system use the API as you (Authorization: Bearer …), with your role.") +
                Field("name", "acct.tokens.name", "Name", "text", "required maxlength=\"64\"") +
                Field("days", "acct.tokens.days", "Valid for (days, 1–366)", "number", "min=\"1\" max=\"366\" value=\"30\" required") +
                Button("acct.tokens.create", "Create token"), "card") +
            $"""<section class="card"><table id="tokens"><thead><tr><th data-t="acct.tokens.name">Name</th><th data-t="acct.tokens.expires">Expires</th><th data-t="acct.tokens.lastused">Last used</th><th></th></tr></thead><tbody>{rows}</tbody></table></section>""",
            status);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, UserManager<StaffUser> users, FeedbackDbContext db, TimeProvider clock, AccountAudit audit)
    {
        var userId = users.GetUserId(context.User)!;
        return await CreateForAsync(context, userId, db, clock, audit) is { } shown
            ? await PageAsync(context, users, db, clock, shown)
            : await PageAsync(context, users, db, clock, Invalid, StatusCodes.Status400BadRequest);
    }

    /// <summary>Refusal of a token form without a name (up to 64 characters) or with days outside 1–366.</summary>
    internal static readonly string Invalid =
        Text("acct.tokens.invalid", "Give the token a name (up to 64 characters) and 1 to 366 days.", "p", " role=\"alert\" class=\"warning\"");

    /// <summary>
    /// Creates the token the posted form (name, days) asks for, owned by <paramref name="userId"/> (it acts with
    /// that user's role when used), audited under the signed-in person; returns the notice that shows it once, or null for a bad form.
    /// </summary>
    internal static async Task<string?> CreateForAsync(HttpContext context, string userId, FeedbackDbContext db, TimeProvider clock, AccountAudit audit)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].ToString().Trim();
        if (name.Length is 0 or > 64 || !int.TryParse(form["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 366)
        {
            return null;
        }
        var token = await PersonalAccessTokens.CreateAsync(db, userId, name, clock.GetUtcNow(), TimeSpan.FromDays(days), context.RequestAborted);
        await audit.RecordAsync(AccountEndpoints.Name(context.User) ?? "?", "token-create", $"user {userId}: {name}", context.RequestAborted);
        return $"""<section class="card" role="status">{Text("acct.tokens.once", "Copy your new token now: it is shown only once.")}<p><input id="new-token" readonly value="{E(token)}" aria-label="New token"></p></section>""";
    }

    private static async Task<IResult> RevokeAsync(HttpContext context, long id, UserManager<StaffUser> users, FeedbackDbContext db, TimeProvider clock, AccountAudit audit)
    {
        var userId = users.GetUserId(context.User);
        var now = clock.GetUtcNow();
        if (await db.PersonalAccessTokens.Where(t => t.Id == id && t.UserId == userId && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), context.RequestAborted) > 0)
        {
            await audit.RecordAsync(AccountEndpoints.Name(context.User) ?? "?", "token-revoke", $"user {userId}: token {id}", context.RequestAborted);
        }
        return TypedResults.Redirect("/account/tokens");
    }
}
