using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>
/// A budget per patient number on the webhooks that start or continue a conversation, so that one
/// looping phone (or a spoofed gateway) cannot flood the server or a patient's survey. Runs after the
/// caller is authenticated (Twilio signature, USSD secret), so strangers cannot spend a patient's budget.
/// </summary>
public sealed class PatientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public PatientRateLimiter(IOptions<RateLimitOptions> options)
    {
        var permits = options.Value.PatientPermitsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <param name="patientKey">The patient's key (<see cref="PatientCache.KeyFor"/>): one budget for every spelling of a number.</param>
    public RateLimitLease Acquire(string patientKey) => _limiter.AttemptAcquire(patientKey);

    public void Dispose() => _limiter.Dispose();
}

public static class PatientRateLimit
{
    /// <summary>Limits requests per patient number, read from the form field <paramref name="field"/>.</summary>
    public static TBuilder LimitPerPatient<TBuilder>(this TBuilder builder, string field) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (!request.HasFormContentType)
            {
                return await next(context);
            }
            var form = await request.ReadFormAsync(context.HttpContext.RequestAborted);
            var address = form[field].ToString();
            if (address.Length is 0 or > 64)
            {
                return await next(context); // the handler answers 400
            }
            // The patient's key (their number normalised and hashed) is worked out once a request: the conversation
            // runner asks the same scoped PatientCache for it, and no number is kept in clear in the limiter.
            var services = context.HttpContext.RequestServices;
            var key = services.GetRequiredService<PatientCache>().KeyFor(
                address.StartsWith(IncomingMessage.WhatsAppPrefix, StringComparison.OrdinalIgnoreCase) ? address[IncomingMessage.WhatsAppPrefix.Length..] : address);
            using var lease = services.GetRequiredService<PatientRateLimiter>().Acquire(key);
            if (lease.IsAcquired)
            {
                return await next(context);
            }
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many messages from this number; try again later.");
        });
}
