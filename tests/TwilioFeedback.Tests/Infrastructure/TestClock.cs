namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>
/// The server's clock in tests: "now" is set by the test, while timers and timestamps stay real, so
/// that retry delays and timeouts (Polly takes the clock from DI) still run out.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public void SetUtcNow(DateTimeOffset now) => Interlocked.Exchange(ref _ticks, now.UtcTicks);
}
