using Microsoft.AspNetCore.Antiforgery;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// Antiforgery on every state-changing request from the pages: the account forms (a hidden field) and
/// API calls that ride on the session cookie (the <c>X-CSRF-TOKEN</c> header the pages' scripts send).
/// Bearer-token calls carry no ambient credential and need none; Twilio and USSD webhooks have their own checks.
/// </summary>
public static class PageAntiforgery
{
    public static IApplicationBuilder UsePageAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        var needsToken = !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && (request.Path.StartsWithSegments("/account")
                || (request.Path.StartsWithSegments("/api") && request.Headers.Authorization.Count == 0 && request.Cookies.ContainsKey(AccountServices.CookieName)));
        if (needsToken && !await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context))
        {
            if (request.Path.StartsWithSegments("/api"))
            {
                await TypedResults.Problem("The request lacks a valid antiforgery token (X-CSRF-TOKEN): reload the page.", statusCode: StatusCodes.Status400BadRequest)
                    .ExecuteAsync(context);
            }
            else
            {
                await AccountPage.Render(context, "acct.expired", "Form expired",
                    AccountPage.Text("acct.expired.body", "This form has expired. Go back, reload the page and try again."), StatusCodes.Status400BadRequest).ExecuteAsync(context);
            }
            return;
        }
        await next(context);
    });
}
