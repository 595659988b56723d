using Microsoft.AspNetCore.Http.HttpResults;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Observability;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>
/// Admin: <c>GET /api/v1/admin/twilio-number</c> compares the number's webhooks at Twilio with this
/// server's, <c>POST</c> sets them (as <c>scripts/twilio-setup [--apply]</c>); <c>GET
/// /api/v1/admin/webhooks</c> says when each channel's webhook was last seen and whether it was signed right.
/// </summary>
public static class TwilioNumberEndpoints
{
    public static IEndpointRouteBuilder MapTwilioNumberAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Admin")
            .RequireAuthorization(StaffAuth.AdminPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        admin.MapGet("/twilio-number", (TwilioNumberSetup setup, CancellationToken cancellationToken) => RunAsync(setup, apply: false, cancellationToken))
            .WithName("TwilioNumber").WithSummary("The hospital's number at Twilio: its webhooks now and as they should be.");
        admin.MapPost("/twilio-number", (TwilioNumberSetup setup, CancellationToken cancellationToken) => RunAsync(setup, apply: true, cancellationToken))
            .WithName("ApplyTwilioNumber").WithSummary("Sets the number's (and its Messaging Service's) webhooks to this server's.");
        admin.MapGet("/webhooks", async (WebhookSightings sightings) => TypedResults.Ok(await sightings.ReadAsync()))
            .WithName("WebhookSightings").WithSummary("The last webhook seen per channel, and whether its signature checked out.");
        return app;
    }

    /// <summary>A report (200) for everything this server can judge; Twilio's own failures are 502 ProblemDetails.</summary>
    internal static async Task<Results<Ok<NumberSetupReport>, ProblemHttpResult>> RunAsync(TwilioNumberSetup setup, bool apply, CancellationToken cancellationToken)
    {
        var report = await setup.RunAsync(apply, cancellationToken);
        return report.Outcome switch
        {
            NumberSetupOutcome.Unauthorized => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Twilio refused the credentials.", detail: report.Message),
            NumberSetupOutcome.TwilioError => TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "Twilio failed.", detail: report.Message),
            _ => TypedResults.Ok(report),
        };
    }
}
