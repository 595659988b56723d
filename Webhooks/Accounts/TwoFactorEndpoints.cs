using System.Globalization;
using Microsoft.AspNetCore.Identity;
using QRCoder;
using TwilioFeedback.Persistence.Accounts;
using static TwilioFeedback.Webhooks.Accounts.AccountPage;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>Optional two-factor sign-in with an authenticator app (Identity's TOTP), a QR code to enrol, ten recovery codes.</summary>
public static class TwoFactorEndpoints
{
    public static IEndpointRouteBuilder MapTwoFactor(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account/2fa").ExcludeFromDescription().RequireAuthorization();
        group.MapGet("", (HttpContext context, UserManager<StaffUser> users) => PageAsync(context, users, null));
        group.MapPost("/enable", EnableAsync);
        group.MapPost("/disable", DisableAsync);
        return app;
    }

    /// <summary>The otpauth:// URI authenticator apps read from the QR code.</summary>
    public static string OtpAuthUri(string email, string key) =>
        string.Create(CultureInfo.InvariantCulture, $"otpauth://totp/TwilioFeedback:{Uri.EscapeDataString(email)}?secret={key}&issuer=TwilioFeedback&digits=6");

    private static async Task<IResult> PageAsync(HttpContext context, UserManager<StaffUser> users, string? error)
    {
        var user = await users.GetUserAsync(context.User);
        if (user is null)
        {
            return TypedResults.Redirect("/account/signin");
        }
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return Render(context, "acct.2fa", "Two-factor sign-in",
                (error is null ? "" : Text("acct.2fa.badcode", error, "p", " role=\"alert\" class=\"warning\"")) +
                Text("acct.2fa.on", "Two-factor sign-in is on: signing in asks for a code from your authenticator app.", "p", " id=\"twofactor-state\"") +
                Form(context, "/account/2fa/disable",
                    Field("code", "acct.code.label", "Code from your authenticator app, or a recovery code", "text", "autocomplete=\"one-time-code\" required") +
                    Button("acct.2fa.disable", "Turn off two-factor sign-in"), "card"),
                error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        }
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(OtpAuthUri(user.Email!, key!), QRCodeGenerator.ECCLevel.M);
        var png = Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
        return Render(context, "acct.2fa", "Two-factor sign-in",
            (error is null ? "" : Text("acct.2fa.badcode", error, "p", " role=\"alert\" class=\"warning\"")) +
            Form(context, "/account/2fa/enable",
                Text("acct.2fa.scan", "Scan this code with an authenticator app, then type the 6-digit code it shows.") +
                $"""<p><img id="qr" src="data:image/png;base64,{png}" alt="QR code for your authenticator app" width="200" height="200"></p>""" +
                $"""<p><span data-t="acct.2fa.key">Or type this key:</span> <code id="authenticator-key">{E(key)}</code></p>""" +
                Field("code", "acct.2fa.code", "Code", "text", "inputmode=\"numeric\" autocomplete=\"one-time-code\" required") +
                Button("acct.2fa.enable", "Turn on"), "card"),
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> EnableAsync(HttpContext context, UserManager<StaffUser> users, AccountAudit audit)
    {
        var user = await users.GetUserAsync(context.User);
        if (user is null)
        {
            return TypedResults.Redirect("/account/signin");
        }
        var code = (await context.Request.ReadFormAsync(context.RequestAborted))["code"].ToString().Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            return await PageAsync(context, users, "That code did not work. Type the newest code from the app.");
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10) ?? [];
        await audit.RecordAsync(user.Email!, "2fa-on", "user " + user.Id, context.RequestAborted);
        return Render(context, "acct.2fa", "Two-factor sign-in",
            Text("acct.2fa.on", "Two-factor sign-in is on: signing in asks for a code from your authenticator app.", "p", " id=\"twofactor-state\"") +
            $"""<section class="card">{Text("acct.2fa.recovery", "Recovery codes — each works once if you lose your phone. Keep them safe; they are shown only now:")}<ul id="recovery-codes">{string.Concat(codes.Select(c => $"<li><code>{E(c)}</code></li>"))}</ul></section>""");
    }

    /// <summary>Turning two-factor off asks for what turning it on did: a current code (or a recovery code), so an open session alone cannot.</summary>
    private static async Task<IResult> DisableAsync(HttpContext context, UserManager<StaffUser> users, AccountAudit audit)
    {
        if (await users.GetUserAsync(context.User) is { } user)
        {
            var code = (await context.Request.ReadFormAsync(context.RequestAborted))["code"].ToString().Replace(" ", "", StringComparison.Ordinal).Trim();
            var proven = code.Length == 6 && code.All(char.IsAsciiDigit)
                ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code)
                : code.Length > 0 && (await users.RedeemTwoFactorRecoveryCodeAsync(user, code)).Succeeded;
            if (!proven)
            {
                await audit.RecordAsync(user.Email!, "2fa-off-refused", "user " + user.Id, context.RequestAborted);
                return await PageAsync(context, users, "That code did not work. Type the newest code from the app.");
            }
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            await audit.RecordAsync(user.Email!, "2fa-off", "user " + user.Id, context.RequestAborted);
        }
        return TypedResults.Redirect("/account/2fa");
    }
}
