namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>Loads the studio's catalogue at start and checks its version every <see cref="StudioCatalogue.CheckEvery"/>.</summary>
public sealed class StudioCatalogueRefresher(StudioCatalogue catalogue, TimeProvider clock) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await catalogue.ReloadAsync(force: true, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(StudioCatalogue.CheckEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await catalogue.ReloadAsync(force: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
