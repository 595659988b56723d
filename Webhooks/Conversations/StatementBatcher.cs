using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using TwilioFeedback.Persistence;
using TwilioFeedback.Webhooks.Observability;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// Sends the fixed statements of concurrent turns (<see cref="FixedSql"/>) to PostgreSQL together: the
/// statements that wait while one round trip is under way leave in the next, a batch of them in one round
/// trip and one transaction. Under load a turn's statement then costs PostgreSQL and the server a share of a
/// round trip instead of one each; alone, it leaves at once.
/// A caller's task ends when its batch has committed, so what it reads or wrote is as durable as before. When
/// a batch fails (a constraint, a deadlock, PostgreSQL gone), nothing of it was committed, and each of its
/// statements is run again alone, so that one bad statement fails only its own caller; an outage reaches each
/// caller at once, as an exception of its own that <see cref="Edge.Outage"/> recognises.
/// A statement inside a transaction of the caller's context runs there, as before.
/// </summary>
public sealed class StatementBatcher : IAsyncDisposable, IDisposable
{
    /// <summary>Round trips under way at once, each on its own connection: a batch's wait on a row lock does not hold up the others.</summary>
    public const int DefaultSenders = 4;

    /// <summary>Most statements in one round trip.</summary>
    public const int MaxBatch = 64;

    private readonly NpgsqlDataSource source;
    private readonly WebhookMetrics metrics;
    private readonly Channel<Statement> queue = Channel.CreateUnbounded<Statement>();
    private readonly Task[] senders;

    public StatementBatcher(IOptions<DatabaseOptions> options, WebhookMetrics metrics)
        : this(options.Value.ConnectionString, metrics, DefaultSenders)
    {
    }

    /// <param name="senders">Round trips under way at once.</param>
    public StatementBatcher(string connectionString, WebhookMetrics metrics, int senders)
    {
        source = NpgsqlDataSource.Create(connectionString);
        this.metrics = metrics;
        this.senders = Enumerable.Range(0, senders).Select(_ => Task.Run(SendAsync)).ToArray();
    }

    /// <summary>Runs <paramref name="sql"/>; returns the rows it changed.</summary>
    public Task<int> ExecuteAsync(DbContext db, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        db.Database.CurrentTransaction is not null
            ? FixedSql.ExecuteAsync(db, sql, cancellationToken, parameters)
            : EnqueueAsync(new Change(sql, parameters), cancellationToken);

    /// <summary>Runs <paramref name="sql"/>; returns its first row as <paramref name="read"/> makes it, or null when it gives no row.</summary>
    public Task<T?> FirstRowAsync<T>(DbContext db, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
        where T : class =>
        db.Database.CurrentTransaction is not null
            ? FixedSql.FirstRowAsync(db, sql, read, cancellationToken, parameters)
            : EnqueueAsync(new Row<T>(sql, parameters, read), cancellationToken);

    private Task<T> EnqueueAsync<T>(Statement<T> statement, CancellationToken cancellationToken)
    {
        if (!queue.Writer.TryWrite(statement))
        {
            throw new ObjectDisposedException(nameof(StatementBatcher));
        }
        // Once queued it runs, as a statement sent before a request was aborted would; the caller stops waiting.
        return statement.Result.WaitAsync(cancellationToken);
    }

    private async Task SendAsync()
    {
        var batch = new List<Statement>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var statement))
            {
                batch.Add(statement);
            }
            if (batch.Count == 1)
            {
                metrics.StatementsSent(1, failed: false);
                await RunAloneAsync(batch[0]);
            }
            else if (batch.Count > 1)
            {
                var failure = await RunTogetherAsync(batch);
                metrics.StatementsSent(batch.Count, failed: failure is not null);
                if (failure is not null)
                {
                    await RunAgainAsync(batch, failure);
                }
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// The statements of a batch that failed, one by one. When PostgreSQL cannot be reached, each caller hears it at
    /// once (and holds its effects) instead of one connection attempt after another, each as long as a connect timeout.
    /// </summary>
    private async Task RunAgainAsync(List<Statement> batch, Exception failure)
    {
        var unreachable = Edge.Outage.IsDatabase(failure);
        foreach (var statement in batch)
        {
            if (unreachable)
            {
                statement.Fail(new NpgsqlException("PostgreSQL could not be reached for a batch of statements.", failure));
            }
            else
            {
                await RunAloneAsync(statement);
            }
        }
    }

    /// <summary>The batch in one round trip and one transaction; its failure, or null. When it failed none of it was committed.</summary>
    private async Task<Exception?> RunTogetherAsync(List<Statement> batch)
    {
        try
        {
            await using var connection = await source.OpenConnectionAsync();
            await using var command = new NpgsqlBatch(connection);
            foreach (var statement in batch)
            {
                command.BatchCommands.Add(statement.ToCommand());
            }
            await using (var reader = await command.ExecuteReaderAsync())
            {
                // Each statement that gives rows has a result of its own, in order; the others have none.
                foreach (var statement in batch)
                {
                    if (statement.GivesRows)
                    {
                        await statement.ReadAsync(reader);
                        await reader.NextResultAsync();
                    }
                }
                // What is left (none of it gives rows) is read too, so that a failure in it is seen here.
                while (await reader.NextResultAsync())
                {
                }
            }
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(command.BatchCommands[i].RecordsAffected);
            }
            return null;
        }
        catch (Exception exception)
        {
            foreach (var statement in batch)
            {
                statement.Reset();
            }
            return exception;
        }
    }

    private async Task RunAloneAsync(Statement statement)
    {
        try
        {
            await using var connection = await source.OpenConnectionAsync();
            await using var command = new NpgsqlCommand(statement.Sql, connection);
            command.Parameters.AddRange(statement.Parameters);
            if (statement.GivesRows)
            {
                await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow);
                await statement.ReadAsync(reader);
                statement.Complete(reader.RecordsAffected);
            }
            else
            {
                statement.Complete(await command.ExecuteNonQueryAsync());
            }
            command.Parameters.Clear();
        }
        catch (Exception exception)
        {
            statement.Fail(exception);
        }
    }

    /// <summary>Sends what is queued, then closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(senders);
        await source.DisposeAsync();
    }

    /// <summary>For a container disposed synchronously, which refuses a singleton that is only <see cref="IAsyncDisposable"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private abstract class Statement(string sql, NpgsqlParameter[] parameters)
    {
        public string Sql => sql;

        public NpgsqlParameter[] Parameters => parameters;

        public abstract bool GivesRows { get; }

        private NpgsqlBatchCommand? command;

        public NpgsqlBatchCommand ToCommand()
        {
            command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddRange(parameters);
            return command;
        }

        /// <summary>Frees the parameters of a batch that failed, to be run alone.</summary>
        public virtual void Reset() => command?.Parameters.Clear();

        public virtual Task ReadAsync(NpgsqlDataReader reader) => Task.CompletedTask;

        public abstract void Complete(int recordsAffected);

        public abstract void Fail(Exception exception);
    }

    private abstract class Statement<T>(string sql, NpgsqlParameter[] parameters) : Statement(sql, parameters)
    {
        private readonly TaskCompletionSource<T> result = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Result => result.Task;

        protected void SetResult(T value) => result.TrySetResult(value);

        public override void Fail(Exception exception) => result.TrySetException(exception);
    }

    private sealed class Change(string sql, NpgsqlParameter[] parameters) : Statement<int>(sql, parameters)
    {
        public override bool GivesRows => false;

        public override void Complete(int recordsAffected) => SetResult(recordsAffected);
    }

    private sealed class Row<T>(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> read) : Statement<T?>(sql, parameters)
        where T : class
    {
        private T? row;

        public override bool GivesRows => true;

        public override async Task ReadAsync(NpgsqlDataReader reader) => row = await reader.ReadAsync() ? read(reader) : null;

        public override void Reset()
        {
            row = null;
            base.Reset();
        }

        public override void Complete(int recordsAffected) => SetResult(row);
    }
}
