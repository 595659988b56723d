using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Coravel;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Webhooks.Api;
using TwilioFeedback.Webhooks.Configuration;
using TwilioFeedback.Webhooks.Hosting;
using TwilioFeedback.Webhooks.Sms;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Ussd;
using TwilioFeedback.Webhooks.Voice;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddJsonFile(
    Environment.GetEnvironmentVariable("TEXT_OVERRIDES_FILE") ?? "texts.overrides.json", optional: true, reloadOnChange: true);
((IConfigurationBuilder)builder.Configuration).Add(new EnvironmentAliasesSource());
builder.Services.AddTwilioFeedback();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapGroup("/twilio")
    .AddEndpointFilter<ValidateTwilioRequestFilter>()
    .DisableAntiforgery()
    .WithTags("Twilio webhooks")
    .MapSms()
    .MapVoice();

app.MapUssd();
app.MapFeedbackApi();
app.MapPrompts();

app.Services.UseScheduler(scheduler => scheduler
    .Schedule<RecordingFetcher>().EveryMinute().PreventOverlapping(nameof(RecordingFetcher)));

app.MapOpenApi();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

app.Run();

/// <summary>The host, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
