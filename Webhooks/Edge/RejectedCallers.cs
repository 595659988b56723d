using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Prometheus;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>
/// The per-address guard of the webhooks. Twilio calls from a few addresses shared by all its
/// customers, so a budget per address would let a forger spend real traffic's share: this one counts
/// only requests that fail the provider check (Twilio signature, USSD secret), and a request that
/// passes never touches it. Refusals are logged as a count per reason and minute, not a line each,
/// and counted in <c>tf_webhook_rejected_total</c>.
/// </summary>
public sealed partial class RejectedCallers : IDisposable
{
    /// <summary>How often the pending refusals are summed up in the log.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly Counter _rejected;
    private readonly ILogger<RejectedCallers> _logger;
    private readonly System.Threading.ITimer _timer;
    private int _armed;

    public RejectedCallers(IOptions<RateLimitOptions> options, IMetricFactory metrics, TimeProvider clock, ILogger<RejectedCallers> logger)
    {
        var permits = options.Value.WebhookPermitsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        _rejected = metrics.CreateCounter("tf_webhook_rejected_total",
            "Webhook requests refused by the provider check (Twilio signature, USSD secret), by reason.", ["reason"]);
        _logger = logger;
        _timer = clock.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Counts a request refused for <paramref name="reason"/> (a fixed phrase: it is a metric label) and
    /// answers it: <paramref name="refusal"/>, or 429 once its address is past its budget of refusals.
    /// </summary>
    public ProblemHttpResult Refuse(HttpContext context, string reason, ProblemHttpResult refusal)
    {
        _rejected.WithLabels(reason).Inc();
        _pending.AddOrUpdate(reason, 1, (_, count) => count + 1);
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            // The first refusal after a quiet spell is reported at once; the rest of the minute is summed.
            Flush();
        }
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "local");
        if (lease.IsAcquired)
        {
            return refusal;
        }
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many refused requests from this address; try again later.");
    }

    private void Flush() => Flush(rearm: true);

    private void Flush(bool rearm)
    {
        var reported = false;
        foreach (var reason in _pending.Keys)
        {
            if (_pending.TryRemove(reason, out var count) && count > 0)
            {
                LogRefused(_logger, count, reason, (int)ReportEvery.TotalMinutes);
                reported = true;
            }
        }
        if (!rearm)
        {
            return;
        }
        if (reported)
        {
            _timer.Change(ReportEvery, Timeout.InfiniteTimeSpan);
            return;
        }
        // A quiet minute: disarm, unless a refusal slipped in meanwhile.
        Volatile.Write(ref _armed, 0);
        if (!_pending.IsEmpty && Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            _timer.Change(ReportEvery, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush(rearm: false);
        _limiter.Dispose();
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "{Count} webhook request(s) refused within {Minutes} minute(s): {Reason}")]
    private static partial void LogRefused(ILogger logger, long count, string reason, int minutes);
}
