using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using TwilioFeedback.Persistence.Accounts;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// The account pages, rendered on the server in the style of the other staff pages (web.css, no
/// framework). English is written here; <c>data-t</c> keys let i18n.js switch them to French.
/// </summary>
public static class AccountPage
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A <c>&lt;form method=post&gt;</c> carrying the antiforgery token.</summary>
    public static string Form(HttpContext context, string action, string inner, string? cssClass = null) =>
        $"""<form method="post" action="{E(action)}"{(cssClass is null ? "" : $" class=\"{cssClass}\"")}><input type="hidden" name="__RequestVerificationToken" value="{E(context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken)}">{inner}</form>""";

    /// <summary>A labelled input; <paramref name="args"/> fills the label's <c>{0}</c> when i18n.js translates it.</summary>
    public static string Field(string id, string key, string label, string type = "text", string extra = "", string? args = null) =>
        $"""<label for="{id}" data-t="{key}"{(args is null ? "" : $" data-t-args=\"{E(args)}\"")}>{E(label)}</label><input id="{id}" name="{id}" type="{type}" {extra}>""";

    public static string Button(string key, string label) => $"""<button type="submit" data-t="{key}">{E(label)}</button>""";

    public static string Text(string key, string text, string tag = "p", string attributes = "") => $"""<{tag} data-t="{key}"{attributes}>{E(text)}</{tag}>""";

    /// <summary>A role as a person reads it (i18n.js <c>acct.role.*</c>); the role's id stays what forms send.</summary>
    public static string RoleName(string role) => role switch
    {
        StaffRoles.Admin => "Admin",
        StaffRoles.Staff => "Staff",
        StaffRoles.Translator => "Translator",
        _ => role,
    };

    /// <summary>The roles as <c>&lt;option&gt;</c>s: the id as the value, the name in the page's language as the text.</summary>
    public static string RoleOptions(string? selected) => string.Concat(StaffRoles.All.Select(r =>
        $"""<option value="{r}"{(r == selected ? " selected" : "")} data-t="acct.role.{r}">{RoleName(r)}</option>"""));

    /// <summary>The name field of the invitation and set-up forms, limited to the column's length.</summary>
    public static string NameField(string label) => Field("name", "acct.name", label, "text", $"required maxlength=\"{StaffUser.DisplayNameLength}\"");

    /// <summary>The refusal of a name that is empty or longer than the column (a 500 from the database before).</summary>
    public static string? NameRefusal(string name) => name.Length is >= 1 and <= StaffUser.DisplayNameLength ? null :
        $"""<p role="alert" class="warning" data-t="acct.name.invalid" data-t-args="{StaffUser.DisplayNameLength}">Give a name of 1 to {StaffUser.DisplayNameLength} characters.</p>""";

    public static IResult Render(HttpContext context, string titleKey, string title, string body, int status = StatusCodes.Status200OK)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        var signedIn = context.User.Identity?.IsAuthenticated == true && context.User.Identity.AuthenticationType == "Identity.Application";
        var html = $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title data-t-title="{titleKey}">TwilioFeedback · {E(title)}</title>
            <link rel="icon" href="/web/icon.svg" type="image/svg+xml">
            <link rel="stylesheet" href="/web/web.css">
            <script src="/web/i18n.js" defer></script>
            <script src="/web/common.js" defer></script>
            <script src="/web/account.js" defer></script>
            </head>
            <body>
            <header class="bar">
                <h1 data-t="{titleKey}">{E(title)}</h1>
                <nav>{(signedIn ? """<a href="/account" data-t="acct.home">Account</a> <a href="/dashboard" data-t="nav.dashboard">Dashboard</a> <a href="/simulator" data-t="nav.simulator">Simulator</a>""" : "")}</nav>
                <button type="button" id="lang-toggle" class="link" data-t="lang.toggle">Français</button>
                {(signedIn ? Form(context, "/account/signout", Button("login.signout", "Sign out"), "inline") : "")}
            </header>
            <main class="account">
            {body}
            </main>
            </body>
            </html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
