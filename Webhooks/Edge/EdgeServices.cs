using System.IO.Compression;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.ResponseCompression;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>What every request meets: compression, budgets, problem details, outage answers and health.</summary>
public static class EdgeServices
{
    public static IServiceCollection AddEdge(this IServiceCollection services)
    {
        // Frugal on slow links: compressed answers, gzip bodies accepted.
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
        services.AddRateLimits();

        services.AddProblemDetails();
        // Tried in order: malformed requests, then a database or Redis outage.
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<OutageExceptionHandler>();
        services.AddHealthChecks()
            .AddDbContextCheck<FeedbackDbContext>("postgres", tags: ["full"])
            .AddCheck<RedisHealthCheck>("redis", tags: ["ready", "full"]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        // Ready: patients can be answered — Redis is up (while PostgreSQL is down their feedback is held in it).
        // Full: PostgreSQL too, for monitoring and alerts; not a readiness probe, or an outage would empty the Service.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapHealthChecks("/health/full", new HealthCheckOptions { Predicate = check => check.Tags.Contains("full") });
        return app;
    }
}
