using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// The <c>[ValidateRequest]</c> of our Twilio slice: a request whose <c>X-Twilio-Signature</c> does
/// not match is answered 403 before any handler runs, so nothing is stored. Refusals are counted per
/// caller address and logged as counts (<see cref="RejectedCallers"/>); a signed request is never counted.
/// </summary>
public sealed class ValidateTwilioRequestFilter(
    IOptionsMonitor<WebhookOptions> webhookOptions,
    IOptionsMonitor<TwilioOptions> twilioOptions,
    PublicUrls urls,
    RejectedCallers rejected) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!webhookOptions.CurrentValue.ValidateSignatures)
        {
            return await next(context);
        }
        var request = context.HttpContext.Request;
        var signature = request.Headers["X-Twilio-Signature"].ToString();
        var authToken = twilioOptions.CurrentValue.AuthToken;
        if (string.IsNullOrEmpty(authToken))
        {
            return rejected.Refuse(context.HttpContext, "no Twilio:AuthToken configured to check signatures", Forbidden());
        }
        var url = urls.Of(request);
        IEnumerable<KeyValuePair<string, StringValues>> parameters = request.HasFormContentType
            ? await request.ReadFormAsync(context.HttpContext.RequestAborted)
            : [];
        if (!ValidatorFor(authToken).Validate(url, parameters, signature))
        {
            return rejected.Refuse(context.HttpContext, signature.Length > 0 ? "Twilio signature does not match" : "Twilio signature is missing", Forbidden());
        }
        return await next(context);
    }

    // The filter is made anew for every request: the validator (the token's key bytes) is kept across them, per token.
    private static RequestValidator? _validator;

    private static RequestValidator ValidatorFor(string authToken) =>
        _validator is { } known && known.AuthToken == authToken ? known : _validator = new RequestValidator(authToken);

    private static ProblemHttpResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid Twilio signature.");
}
