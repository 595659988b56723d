using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Faults;

/// <summary>A first start on an empty database says nothing alarming: no error line a newcomer would chase.</summary>
public sealed class StartupLogTests(AppFactory factory) : IClassFixture<AppFactory>
{
    [Fact]
    public void A_first_start_on_a_fresh_database_logs_no_error()
    {
        _ = factory.Server;
        Assert.DoesNotContain(factory.Logs.Lines, line => line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Critical ", StringComparison.Ordinal));
        Assert.Contains(factory.Logs.Lines, line => line.Contains("Database schema up to date", StringComparison.Ordinal));
    }
}
