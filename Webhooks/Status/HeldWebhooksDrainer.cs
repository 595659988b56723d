using Microsoft.Extensions.Options;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Status;

/// <summary>Replays the status callbacks held while PostgreSQL was down, as often as held effects are drained.</summary>
public sealed partial class HeldWebhooksDrainer(
    HeldWebhooks held, IServiceScopeFactory scopes, IOptions<PendingEffectsOptions> options, ILogger<HeldWebhooksDrainer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DrainEvery);
        do
        {
            try
            {
                await held.DrainAsync(scopes, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Still down (the items stay), or anything else: a background loop never stops the host.
                LogWaiting(logger, Outage.IsAny(exception) ? exception.GetType().Name : exception.ToString());
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 2204, Level = LogLevel.Debug, Message = "Held status callbacks wait ({Error})")]
    private static partial void LogWaiting(ILogger logger, string error);
}
