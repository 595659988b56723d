using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>Applies migrations when asked, and says at start-up what mode the server runs in.</summary>
public sealed partial class StartupReport(
    IServiceProvider services,
    IOptions<DatabaseOptions> database,
    IOptions<TwilioOptions> twilio,
    IOptions<WebhookOptions> webhooks,
    ILogger<StartupReport> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.Value.ApplyMigrations)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            // Pods of one deployment start together: one migrates at a time (a session lock), and the others then
            // find nothing to do. EF's own lock let three servers starting at once each run the first migration
            // (42P07 "relation already exists", the server crashed) — ThreeProcessTests.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(7325101)", cancellationToken);
            // On a fresh database EF reads __EFMigrationsHistory before creating it and logs that failed
            // SELECT as an error ("fail:"), which alarms a newcomer: create the table first (IF NOT EXISTS).
            if (await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
            {
                await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
            }
            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(7325101)", cancellationToken);
            await db.Database.CloseConnectionAsync();
            LogMigrated(logger, (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault() ?? "none");
        }
        if (twilio.Value.DryRun)
        {
            LogDryRun(logger);
        }
        if (!webhooks.Value.ValidateSignatures)
        {
            LogSignaturesOff(logger);
        }
        else if (string.IsNullOrEmpty(twilio.Value.AuthToken))
        {
            LogNoToken(logger);
        }
        var transcription = services.GetRequiredService<IOptions<Scheduling.Transcription.TranscriptionOptions>>().Value;
        if (transcription.Enabled)
        {
            LogTranscriptionOn(logger, transcription.ServiceName, string.Join(", ", transcription.Languages));
        }
        else
        {
            LogTranscriptionOff(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Database schema up to date (latest migration: {Migration})")]
    private static partial void LogMigrated(ILogger logger, string migration);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "DRY-RUN: no Twilio credentials (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN); outgoing messages are recorded, not sent")]
    private static partial void LogDryRun(ILogger logger);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Twilio signature checks are OFF (Webhooks:ValidateSignatures=false): anyone can post to /twilio/*. Never do this in production")]
    private static partial void LogSignaturesOff(ILogger logger);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "No TWILIO_AUTH_TOKEN: Twilio webhooks answer 403 until it is set")]
    private static partial void LogNoToken(ILogger logger);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Speech to text ON: spoken comments in {Languages} are sent to {Service}")]
    private static partial void LogTranscriptionOn(ILogger logger, string service, string languages);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Speech to text OFF (no Transcription:Endpoint): no patient audio leaves the server; spoken comments wait for staff in the inbox")]
    private static partial void LogTranscriptionOff(ILogger logger);

}
