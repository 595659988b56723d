using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>Tells an outage of PostgreSQL or Redis (worth retrying later) from a bug.</summary>
public static class Outage
{
    /// <summary>PostgreSQL cannot be reached (refused, reset, timed out, shutting down), wherever in the chain the cause sits.</summary>
    public static bool IsDatabase(Exception exception) => Causes(exception).Any(e => e switch
    {
        PostgresException postgres => postgres.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "08006" or "08001" or "08003" or "08004",
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        _ => false,
    });

    /// <summary>Redis cannot be reached or does not answer in time.</summary>
    public static bool IsRedis(Exception exception) =>
        Causes(exception).Any(e => e is RedisConnectionException or RedisTimeoutException);

    public static bool IsAny(Exception exception) => IsDatabase(exception) || IsRedis(exception);

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes))
                {
                    yield return inner;
                }
            }
        }
    }
}
