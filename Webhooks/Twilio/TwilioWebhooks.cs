using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Sms;
using TwilioFeedback.Webhooks.Status;
using TwilioFeedback.Webhooks.Ussd;
using TwilioFeedback.Webhooks.Voice;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>The webhooks providers call: Twilio's (signed), the USSD gateway's and SendGrid's (secrets).</summary>
public static class TwilioWebhooks
{
    public static IServiceCollection AddTwilioWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => string.IsNullOrEmpty(o.PublicBaseUrl) || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Webhooks:PublicBaseUrl (or PUBLIC_BASE_URL) must be an absolute URL.")
            .Validate(o => o.MaxBodyBytes > 0, "Webhooks:MaxBodyBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<PublicUrls>();
        services.AddScoped<ValidateTwilioRequestFilter>();
        services.AddOptions<FormOptions>().Configure<IOptions<WebhookOptions>>((form, webhooks) => form.ValueLengthLimit = webhooks.Value.MaxFormValueLength);
        services.AddOptions<VoiceOptions>().BindConfiguration(VoiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UssdOptions>().BindConfiguration(UssdOptions.Section);
        services.AddSingleton<PromptCatalog>();
        services.AddScoped<ProviderEvents>();
        services.AddSingleton<HeldWebhooks>();
        services.AddHostedService<HeldWebhooksDrainer>();

        // The jobs link back to this server: reminder calls fetch their TwiML, alerts link to the item.
        services.AddOptions<ReminderOptions>().PostConfigure<PublicUrls>((reminders, urls) =>
        {
            reminders.PublicBaseUrl ??= urls.Configured;
            reminders.StatusCallbackUrl ??= reminders.PublicBaseUrl is null ? null : reminders.PublicBaseUrl + MessageStatusEndpoints.Path;
        });
        services.AddOptions<AnalysisOptions>().PostConfigure<PublicUrls>((analysis, urls) => analysis.LinkBase ??= urls.Configured);
        return services;
    }

    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/twilio")
            .WithMetadata(BodyLimit(app))
            .AddEndpointFilter<ValidateTwilioRequestFilter>()
            .DisableAntiforgery()
            .WithTags("Twilio webhooks")
            .MapSms()
            .MapVoice()
            .MapVoiceReminders()
            .MapCallMeBack()
            .MapCallBackStatus()
            .MapMessageStatus();
        app.MapUssd();
        app.MapSendGridEvents();
        return app;
    }

    /// <summary>
    /// Runs the webhooks (every endpoint that declares a <see cref="WebhookChannel"/>: Twilio, USSD, SendGrid) on a
    /// branch of the pipeline of their own, placed before the staff's authentication, authorization and
    /// antiforgery: a webhook proves itself by its signature or secret (its endpoint filters), never by a staff
    /// cookie or token, so those middlewares only cost it time. The endpoint is already matched here (routing
    /// runs first); the branch's routing keeps that match, and its endpoint middleware still refuses to run an
    /// endpoint that asks for authorization. The middlewares before this point (metrics, compression, the
    /// exception and outage handlers, status pages) serve the webhooks as before.
    /// </summary>
    public static IApplicationBuilder UseWebhookBranch(this IApplicationBuilder app) =>
        app.MapWhen(context => context.GetEndpoint()?.Metadata.GetMetadata<WebhookChannel>() is not null,
            webhooks => webhooks.UseRouting().UseEndpoints(_ => { }));

    /// <summary>Webhooks:MaxBodyBytes as endpoint metadata: the server refuses a longer body (413) before anything reads it.</summary>
    public static RequestSizeLimitAttribute BodyLimit(IEndpointRouteBuilder app) =>
        new(app.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.MaxBodyBytes);
}
