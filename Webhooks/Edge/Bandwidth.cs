using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>Request budgets: per token (or address) on the API, per caller address on webhooks.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";
    public const string ApiPolicy = "api";
    public const string WebhookPolicy = "webhooks";

    public int ApiPermitsPerMinute { get; set; } = 600;

    /// <summary>Per caller address: all of Twilio's webhooks come from a few addresses, so this is a flood guard, not a per-person budget.</summary>
    public int WebhookPermitsPerMinute { get; set; } = 30000;

    /// <summary>Conversation webhooks (SMS, WhatsApp, calls, USSD) per patient number; a person needs a handful.</summary>
    public int PatientPermitsPerMinute { get; set; } = 30;
}

/// <summary>Frugal on slow links: compressed answers, gzip bodies accepted, ETags, and rate limits.</summary>
public static class Bandwidth
{
    public static IServiceCollection AddBandwidth(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["application/json", "application/problem+json", "text/xml", "text/plain", "text/csv"];
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.AddRequestDecompression();

        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.ApiPermitsPerMinute > 0 && o.WebhookPermitsPerMinute > 0 && o.PatientPermitsPerMinute > 0, "RateLimits:*PermitsPerMinute must be positive.")
            .ValidateOnStart();
        services.AddSingleton<PatientRateLimiter>();
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
            limiter.AddPolicy(RateLimitOptions.WebhookPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => Window(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.WebhookPermitsPerMinute)));
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    /// <summary>GET answers carry an ETag; a client that has it gets 304 and no body.</summary>
    public static TBuilder WithETags<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            var inner = result is INestedHttpResult nested ? nested.Result : result;
            if (!HttpMethods.IsGet(http.Request.Method) || inner is not IValueHttpResult { Value: { } value } || inner is not IStatusCodeHttpResult { StatusCode: 200 })
            {
                return result;
            }
            var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json)))[..32]}\"";
            http.Response.Headers.ETag = etag;
            return http.Request.Headers.IfNoneMatch.Contains(etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : result;
        });
}
