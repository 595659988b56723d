using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Api;
using TwilioFeedback.Webhooks.Configuration;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Observability;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Twilio;
using TwilioFeedback.Webhooks.Twilio.Setup;
using TwilioFeedback.Webhooks.Web;
using TwilioFeedback.Webhooks.Web.Studio;

if (args is ["token", ..])
{
    return StaffAuth.RunTokenCommand(args, Environment.GetEnvironmentVariable("SECRET_KEY"), Environment.GetEnvironmentVariable("Auth__JwtSigningKey"));
}
if (args is ["twilio-setup", ..])
{
    return await TwilioSetupCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
((IConfigurationBuilder)builder.Configuration).Add(new EnvironmentAliasesSource());

builder.AddObservability();                 // metrics, log format, shutdown, start-up report and migrations
builder.Services.AddSingleton(TimeProvider.System);
builder.Services
    .AddPersistence()                       // PostgreSQL, the patient-data cipher
    .AddPatientTexts()                      // texts per language
    .AddScheduling()                        // reminders, recordings, analysis, key rotation, retention
    .AddConversations()                     // the runner, Redis, effects held during outages
    .AddPatients()                          // the directory and the patients' Redis copy
    .AddTwilioWebhooks()                    // Twilio, USSD and SendGrid webhooks
    .AddTwilioSetup()                       // the number's webhooks at Twilio, the webhooks seen here
    .AddApi()                               // REST API, OpenAPI, audit
    .AddEdge()                              // compression, rate limits, problem details, health
    .AddStaffAuth()                         // accounts, session cookie, bearer tokens and policies
    .AddWebPages()                          // dashboard and simulator
    .AddStudio();                           // the language studio: texts, review, live languages
builder.Services.PostConfigure<DatabaseOptions>(o => o.ConnectionString = ConnectionUrls.WithPostgresDefaults(o.ConnectionString));

var app = builder.Build();
if (args is ["admin", ..])
{
    return await AdminCommand.RunAsync(app.Services, args); // scripts/admin: accounts without a browser
}

app.UseObservability();
app.UseResponseCompression();
app.UseRequestDecompression();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebhookBranch();                     // webhooks: no staff sign-in, authorization or antiforgery on their path
app.UseAuthentication();
app.UseAuthorization();
app.UsePageAntiforgery();                   // account forms and cookie-borne API calls
app.UseRateLimiter();

app.MapTwilioWebhooks();
app.MapApi();
app.MapWebPages();
app.MapStudio();
app.MapStudioRecordings();                  // the studio's recordings: drafts, checks, review
app.MapAccounts();                          // sign-in, users, two-factor, personal tokens
app.MapHealth();
app.Services.UseScheduledJobs();

app.Run();
return 0;

/// <summary>The host, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
