using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Twilio;


namespace TwilioFeedback.Webhooks.Ussd;

/// <summary>The same survey as numbered USSD menus: <c>CON …</c> to ask, <c>END …</c> to close.</summary>
public static class UssdEndpoints
{
    /// <summary>The most a USSD screen holds: what follows <c>CON </c>/<c>END </c> (the gateway's protocol).</summary>
    public const int MaxScreenLength = 182;

    public static IEndpointRouteBuilder MapUssd(this IEndpointRouteBuilder app)
    {
        var ussd = app.MapGroup("/ussd").WithMetadata(WebhookChannel.Ussd).WithTags("USSD").DisableAntiforgery().WithMetadata(TwilioWebhooks.BodyLimit(app));
        // The gateway is checked first, then the patient's budget: strangers cannot spend it.
        ussd.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptionsMonitor<UssdOptions>>().CurrentValue;
            var secret = http.GetRouteValue("secret") as string ?? http.Request.Headers["X-Ussd-Secret"].ToString();
            return Authorized(http, options, secret)
                ? await next(context)
                : http.RequestServices.GetRequiredService<RejectedCallers>().Refuse(http, "unknown USSD gateway",
                    TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Unknown USSD gateway."));
        });
        ussd.MapPost("/", HandleAsync).LimitPerPatient("phoneNumber").WithName("Ussd");
        ussd.MapPost("/{secret}", HandleAsync).LimitPerPatient("phoneNumber").WithName("UssdWithSecret");
        return app;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> HandleAsync(
        UssdRequest ussd, ConversationRunner runner, PatientTexts texts, CancellationToken cancellationToken)
    {
        if (ussd.Problem is { } problem)
        {
            return problem;
        }
        // text holds every answer so far joined by '*': the last one is this step's, their count the step.
        var answers = ussd.Text.Length == 0 ? [] : ussd.Text.Split('*');
        var inbound = new Inbound(Channel.Ussd, ussd.PhoneNumber, ussd.ServiceCode, answers.LastOrDefault(), $"{ussd.SessionId}:{answers.Length}", SessionId: ussd.SessionId);

        var reply = await runner.HandleAsync(inbound, cancellationToken);
        return TypedResults.Text(Render(reply, texts), "text/plain", Encoding.UTF8);
    }

    /// <summary><c>CON screen</c> while a question waits for an answer, else <c>END screen</c>.</summary>
    public static string Render(Reply reply, PatientTexts texts)
    {
        var screen = string.Join('\n', reply.Prompts.Select(p => ReplyTexts.Of(texts, reply, p, MessageKeys.For(MessageKeys.UssdPrefix, p.Key))));
        var prefix = reply.Awaiting is null ? "END " : "CON ";
        return prefix + (screen.Length <= MaxScreenLength ? screen : screen[..MaxScreenLength]);
    }

    private static bool Authorized(HttpContext context, UssdOptions options, string given)
    {
        if (string.IsNullOrEmpty(options.SharedSecret))
        {
            return false;
        }
        if (options.AllowedAddresses.Count > 0
            && (context.Connection.RemoteIpAddress is not { } remote
                || !options.AllowedAddresses.Any(a => IPAddress.TryParse(a, out var allowed) && allowed.Equals(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(options.SharedSecret));
    }
}
