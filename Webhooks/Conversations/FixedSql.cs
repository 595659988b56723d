using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// A statement of fixed text with positional parameters (<c>$1</c>, <c>$2</c>…), run on the context's own
/// connection and transaction. For the few statements every turn runs: EF's
/// <c>ExecuteSqlInterpolatedAsync</c> rebuilds the SQL text, wraps each value in two parameter objects and
/// has Npgsql rewrite <c>@p0</c> into <c>$1</c> on every call; here the text is a constant that Npgsql
/// prepares once per connection (Max Auto Prepare) and sends as it is. Callers go through
/// <see cref="StatementBatcher"/>, which sends these statements with other turns' and uses the context's
/// connection only when the caller is inside a transaction of its own.
/// </summary>
internal static class FixedSql
{
    /// <summary>Runs <paramref name="sql"/>; returns the rows it changed.</summary>
    public static Task<int> ExecuteAsync(DbContext db, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        RunAsync(db, sql, parameters, command => command.ExecuteNonQueryAsync(cancellationToken), cancellationToken);

    /// <summary>Runs <paramref name="sql"/>; returns its first row as <paramref name="read"/> makes it, or null when it gives no row.</summary>
    public static Task<T?> FirstRowAsync<T>(DbContext db, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
        where T : class =>
        RunAsync(db, sql, parameters, async command =>
        {
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
        }, cancellationToken);

    private static async Task<T> RunAsync<T>(DbContext db, string sql, NpgsqlParameter[] parameters, Func<NpgsqlCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
            };
            if (db.Database.GetCommandTimeout() is { } timeout)
            {
                command.CommandTimeout = timeout;
            }
            command.Parameters.AddRange(parameters);
            return await run(command);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static NpgsqlParameter Text(string? value) => new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, Value = value is null ? DBNull.Value : value };

    public static NpgsqlParameter Bigint(long value) => new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint, TypedValue = value };

    public static NpgsqlParameter Integer(int value) => new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = value };

    public static NpgsqlParameter Bytes(byte[] value) => new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = value };

    public static NpgsqlParameter Time(DateTimeOffset value) => new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = value };
}
