using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>
/// The simulator's own budget (<c>Simulator:PermitsPerMinute</c>) per person, or per address without a
/// token: a trainer clicking through calls spends neither the API's budget nor a patient's.
/// </summary>
public sealed class SimulatorRateLimit : IRateLimiterPolicy<string>
{
    public static readonly SimulatorRateLimit Instance = new();

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
    {
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many simulated steps this minute (Simulator:PermitsPerMinute); try again shortly.").ExecuteAsync(context.HttpContext);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var permits = httpContext.RequestServices.GetRequiredService<IOptions<SimulatorOptions>>().Value.PermitsPerMinute;
        return RateLimitPartition.GetFixedWindowLimiter("simulator:" + SimulatorCaller.Of(httpContext),
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
    }
}
