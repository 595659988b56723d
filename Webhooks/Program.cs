using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Coravel;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Scheduling.Privacy;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Webhooks.Api;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Configuration;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Observability;
using TwilioFeedback.Webhooks.Sms;
using TwilioFeedback.Webhooks.Status;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Ussd;
using TwilioFeedback.Webhooks.Voice;
using TwilioFeedback.Webhooks.Web;
using TwilioFeedback.Webhooks;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;

if (args is ["token", ..])
{
    return StaffAuth.RunTokenCommand(args, Environment.GetEnvironmentVariable("SECRET_KEY"));
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddJsonFile(
    Environment.GetEnvironmentVariable("TEXT_OVERRIDES_FILE") ?? "texts.overrides.json", optional: true, reloadOnChange: true);
((IConfigurationBuilder)builder.Configuration).Add(new EnvironmentAliasesSource());
builder.Services.AddTwilioFeedback();
builder.Services.AddFaultTolerance();
builder.Services.AddStaffAuth();
builder.Services.AddBandwidth();
builder.AddObservability();
builder.Services.AddWebPages();

var app = builder.Build();

app.UseObservability();
app.UseResponseCompression();
app.UseRequestDecompression();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapGroup("/twilio")
    .RequireRateLimiting(RateLimitOptions.WebhookPolicy)
    .AddEndpointFilter<ValidateTwilioRequestFilter>()
    .DisableAntiforgery()
    .WithTags("Twilio webhooks")
    .MapSms()
    .MapVoice()
    .MapVoiceReminders()
    .MapMessageStatus();

app.MapUssd();
app.MapSendGridEvents();
app.MapFeedbackApi();
app.MapSync();
app.MapReports();
app.MapPatients();
app.MapReminderApi();
app.MapPrompts();
app.MapWebPages();

var reminders = app.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;
var analysis = app.Services.GetRequiredService<IOptions<AnalysisOptions>>().Value;
app.Services.UseScheduler(scheduler =>
{
    scheduler.Schedule<RecordingFetcher>().EveryMinute().PreventOverlapping(nameof(RecordingFetcher));
    scheduler.Schedule<DataKeyRotationJob>().EveryThirtyMinutes().PreventOverlapping(nameof(DataKeyRotationJob));
    scheduler.Schedule<RetentionJob>().Hourly().PreventOverlapping(nameof(RetentionJob));
    if (analysis.RunOnSchedule)
    {
        scheduler.Schedule<FeedbackAnalysisJob>().EveryMinute().PreventOverlapping(nameof(FeedbackAnalysisJob));
    }
    if (reminders.DispatchOnSchedule)
    {
        // In-process no-overlap only; across instances the SKIP LOCKED claim keeps sends unique.
        scheduler.Schedule<ReminderDispatcher>().EverySeconds(reminders.DispatchEverySeconds).PreventOverlapping(nameof(ReminderDispatcher));
    }
});

app.MapOpenApi();
app.MapScalarApiReference("/docs", options => options.WithTitle("TwilioFeedback API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
// Ready: patients can be answered — Redis is up (while PostgreSQL is down their feedback is held in it).
// Full: PostgreSQL too, for monitoring and alerts; not a readiness probe, or an outage would empty the Service.
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
app.MapHealthChecks("/health/full", new HealthCheckOptions { Predicate = check => check.Tags.Contains("full") });

app.Run();
return 0;

/// <summary>The host, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
