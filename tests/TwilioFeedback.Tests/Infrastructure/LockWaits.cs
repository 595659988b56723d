using Microsoft.EntityFrameworkCore;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>Waits until a request's statement is blocked by a row another test transaction holds.</summary>
public static class LockWaits
{
    /// <param name="work">The request expected to wait: it must not finish first.</param>
    /// <param name="statementLike">A LIKE pattern for the waiting statement's text, or null for any.</param>
    public static async Task UntilBlockedAsync(AppFactory factory, Task work, string? statementLike = null)
    {
        // Watched from a connection of its own: inside the other writer's transaction pg_stat_activity would not change.
        await using var watcher = factory.Db();
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (await watcher.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND ({statementLike}::text IS NULL OR query LIKE {statementLike})").SingleAsync() == 0)
        {
            Assert.False(work.IsCompleted, "the request did not wait for the other writer");
            Assert.True(waiting.Elapsed < TimeSpan.FromSeconds(60), "the request never reached the other writer's row");
            await Task.Delay(20);
        }
    }
}
