using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>Request budgets: per token (or address) on the API, refusals per caller address and requests per patient on webhooks.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    public const string ApiPolicy = "api";

    public int ApiPermitsPerMinute { get; set; } = 600;

    /// <summary>
    /// Refused webhook requests (bad Twilio signature, wrong USSD secret) per caller address, then 429.
    /// Requests that pass the check are not counted: Twilio's few addresses carry everyone's traffic.
    /// </summary>
    public int WebhookPermitsPerMinute { get; set; } = 600;

    /// <summary>Conversation webhooks (SMS, WhatsApp, calls, USSD) per patient number; a person needs a handful.</summary>
    public int PatientPermitsPerMinute { get; set; } = 30;
}

/// <summary>Budgets: per person (or address) on the API; on webhooks, refusals per caller address and requests per patient number.</summary>
public static class RateLimits
{
    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.ApiPermitsPerMinute > 0 && o.WebhookPermitsPerMinute > 0 && o.PatientPermitsPerMinute > 0, "RateLimits:*PermitsPerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<PatientRateLimiter>();
        services.AddSingleton<RejectedCallers>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests; try again later.").ExecuteAsync(context.HttpContext);
            };
            limiter.AddPolicy(RateLimitOptions.ApiPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                // Per person when signed in, else per address.
                context.User.FindFirst("sub")?.Value ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => Window(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.ApiPermitsPerMinute)));
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}
