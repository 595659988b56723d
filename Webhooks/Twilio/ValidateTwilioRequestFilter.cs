using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TwilioFeedback.Scheduling;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// The <c>[ValidateRequest]</c> of our Twilio slice: a request whose <c>X-Twilio-Signature</c> does
/// not match is answered 403 before any handler runs, so nothing is stored.
/// </summary>
public sealed partial class ValidateTwilioRequestFilter(
    IOptionsMonitor<WebhookOptions> webhookOptions,
    IOptionsMonitor<TwilioOptions> twilioOptions,
    PublicUrls urls,
    ILogger<ValidateTwilioRequestFilter> logger) : IEndpointFilter
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
            LogNoAuthToken(logger, request.Path);
            return Forbidden();
        }
        var url = urls.Of(request);
        IEnumerable<KeyValuePair<string, StringValues>> parameters = request.HasFormContentType
            ? await request.ReadFormAsync(context.HttpContext.RequestAborted)
            : [];
        if (!new RequestValidator(authToken).Validate(url, parameters, signature))
        {
            LogRejected(logger, request.Path, signature.Length > 0 ? "does not match" : "is missing");
            return Forbidden();
        }
        return await next(context);
    }

    private static ProblemHttpResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid Twilio signature.");

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Twilio webhook {Path} rejected: no Twilio:AuthToken configured to check its signature")]
    private static partial void LogNoAuthToken(ILogger logger, PathString path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Twilio webhook {Path} rejected: signature {Reason}")]
    private static partial void LogRejected(ILogger logger, PathString path, string reason);
}
