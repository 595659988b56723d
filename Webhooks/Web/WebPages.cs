using Microsoft.Extensions.Options;
using TwilioFeedback.Webhooks.Web.Studio;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>The staff pages: <c>/simulator</c>, <c>/dashboard</c>, their files under <c>/web/</c>, and their APIs.</summary>
public static partial class WebPages
{
    public static IServiceCollection AddWebPages(this IServiceCollection services)
    {
        services.AddSingleton<WebAssets>();
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(SimulatorEndpoints.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
        services.AddAuthorizationBuilder().AddPolicy(SimulatorEndpoints.Policy, policy => policy.RequireAssertion(context =>
        {
            // Staff with a token; anyone in Development or when Simulator:AllowAnonymous is set (scripts/run, on localhost).
            if (context.User.IsInRole("staff") || context.User.IsInRole("admin"))
            {
                return true;
            }
            var services = context.Resource is HttpContext http ? http.RequestServices : null;
            return services is not null
                && (services.GetRequiredService<IHostEnvironment>().IsDevelopment() || services.GetRequiredService<IOptions<SimulatorOptions>>().Value.AllowAnonymous);
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").WithTags("Pages").ExcludeFromDescription();
        pages.MapGet("/simulator", (HttpContext context, WebAssets assets) => assets.Serve(context, "simulator.html"));
        pages.MapGet("/dashboard", (HttpContext context, WebAssets assets) => assets.Serve(context, "dashboard.html"));
        pages.MapGet("/inbox", (HttpContext context, WebAssets assets) => assets.Serve(context, "inbox.html")); // the API decides who may read it
        pages.MapGet("/studio", (HttpContext context, WebAssets assets) => assets.Serve(context, "studio.html"));
        pages.MapGet("/appointments/import", (HttpContext context, WebAssets assets) => assets.Serve(context, "appointments-import.html")); // the API decides who may import
        pages.MapGet("/web/{name}", (string name, HttpContext context, WebAssets assets) => assets.Serve(context, name));
        app.MapSimulator();
        app.MapDashboardApi();
        app.MapStudioSpreadsheets();
        WarnIfOpen(app.ServiceProvider);
        return app;
    }

    /// <summary>Says at start-up when the simulator is open to anyone.</summary>
    internal static void WarnIfOpen(IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<SimulatorOptions>>().Value.AllowAnonymous && !services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            LogOpen(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebPages)));
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Simulator:AllowAnonymous is set: anyone who reaches this server can use /simulator without a token (meant for scripts/run, which listens on localhost only)")]
    private static partial void LogOpen(ILogger logger);
}
