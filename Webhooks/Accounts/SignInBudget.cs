using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>Sign-in budgets, in the <c>RateLimits</c> section beside the others.</summary>
public sealed class SignInBudgetOptions
{
    /// <summary>Sign-in, code, set-up and password posts per caller address: enough for a person, not for guessing passwords.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:SignInPermitsPerMinute must be between 1 and 1000000.")]
    public int SignInPermitsPerMinute { get; set; } = 20;

    /// <summary>Sign-in and code posts per account (the normalised email, whether or not it has an account), from any address.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:SignInPermitsPerAccountPerMinute must be between 1 and 1000000.")]
    public int SignInPermitsPerAccountPerMinute { get; set; } = 10;
}

/// <summary>
/// Attempts per address and per account, a fixed window of a minute each. Spent in the handlers, not
/// by the rate-limiting middleware: the account is in the form, and a refusal is the same page with a
/// polite message (429), not a JSON problem.
/// </summary>
public sealed class SignInBudget : IDisposable
{
    private readonly PartitionedRateLimiter<string> _addresses;
    private readonly PartitionedRateLimiter<string> _accounts;

    public SignInBudget(IOptions<SignInBudgetOptions> options)
    {
        var settings = options.Value;
        _addresses = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => Window(settings.SignInPermitsPerMinute)));
        _accounts = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetFixedWindowLimiter(account, _ => Window(settings.SignInPermitsPerAccountPerMinute)));
    }

    /// <summary>Spends one attempt of the caller's address; false (and Retry-After set) once the minute's are spent.</summary>
    public bool TrySpend(HttpContext context) => Spend(context, _addresses, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>Spends one attempt of the address, then one of <paramref name="normalisedEmail"/>'s; false when either is spent.</summary>
    public bool TrySpend(HttpContext context, string normalisedEmail) => TrySpend(context) && Spend(context, _accounts, normalisedEmail);

    private static bool Spend(HttpContext context, PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return lease.IsAcquired;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    public void Dispose()
    {
        _addresses.Dispose();
        _accounts.Dispose();
    }
}
