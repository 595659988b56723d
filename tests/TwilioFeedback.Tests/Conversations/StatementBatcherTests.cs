using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Prometheus;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Observability;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;
using TwilioFeedback.Webhooks.Observability;

namespace TwilioFeedback.Tests.Conversations;

/// <summary>
/// The statements of concurrent turns leave for PostgreSQL together: those queued while a round trip is under
/// way go in the next one, in one transaction. One sender here, held on a row lock, so that the queue is known.
/// </summary>
public sealed class StatementBatcherTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Rate = """
        INSERT INTO feedbacks (patient_id, language, rating, date_submitted, processed, channel, provider_message_id, conversation_id, last_message_id)
        VALUES ($1, 'fr', $2, $3, false, 'sms', $4, $4, $4) ON CONFLICT DO NOTHING
        """;

    private const string Touch = "UPDATE patients SET updated_at = $1 WHERE id = $2";

    private const string ExternalIdOf = "SELECT external_id FROM patients WHERE id = $1";

    [Fact]
    public async Task Statements_queued_behind_a_round_trip_leave_together_and_each_caller_gets_its_own_answer()
    {
        await using var blocked = await BlockOnAPatientAsync("PAT-BATCH-1");
        var (patient, batcher, waiting) = (blocked.Patient, blocked.Batcher, blocked.Waiting);
        await using var db = Factory.Db();
        var rating = RateAsync(batcher, db, patient, 4, "SMbatch1");
        var again = RateAsync(batcher, db, patient, 2, "SMbatch1");
        var found = batcher.FirstRowAsync(db, ExternalIdOf, r => r.GetString(0), CancellationToken.None, FixedSql.Bigint(patient));
        var nobody = batcher.FirstRowAsync(db, ExternalIdOf, r => r.GetString(0), CancellationToken.None, FixedSql.Bigint(-1));
        Assert.False(rating.IsCompleted, "a statement queued behind the held one ran before it");
        await blocked.Locked.CommitAsync();

        Assert.Equal(1, await waiting);
        // The same message twice in one round trip: the first stores it, the second finds it stored.
        Assert.Equal((1, 0), (await rating, await again));
        Assert.Equal("PAT-BATCH-1", await found);
        Assert.Null(await nobody);
        db.ChangeTracker.Clear();
        Assert.Equal(4, (await db.Feedbacks.SingleAsync(f => f.ConversationId == "SMbatch1")).Rating);

        var sent = await ScrapeAsync(blocked.Registry);
        // Two round trips: the held statement alone, then the four queued behind it.
        Assert.Equal((2, 5), (sent["tf_db_batch_statements_count"], sent["tf_db_batch_statements_sum"]));
        Assert.Equal(0, sent["tf_db_batch_failed_total"]);
    }

    [Fact]
    public async Task A_statement_that_fails_in_a_batch_fails_alone_and_the_others_are_stored_once()
    {
        await using var blocked = await BlockOnAPatientAsync("PAT-BATCH-2");
        var (patient, batcher, waiting) = (blocked.Patient, blocked.Batcher, blocked.Waiting);
        await using var db = Factory.Db();
        var before = RateAsync(batcher, db, patient, 5, "SMbatch2a");
        // No such patient: the foreign key refuses it, which rolls back the whole round trip it is in.
        var orphan = RateAsync(batcher, db, -1, 3, "SMbatch2b");
        var after = RateAsync(batcher, db, patient, 1, "SMbatch2c");
        var found = batcher.FirstRowAsync(db, ExternalIdOf, r => r.GetString(0), CancellationToken.None, FixedSql.Bigint(patient));
        await blocked.Locked.CommitAsync();

        Assert.Equal(1, await waiting);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => orphan);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
        // Its neighbours were run again alone: each stored once, and each caller told so.
        Assert.Equal((1, 1), (await before, await after));
        Assert.Equal("PAT-BATCH-2", await found);
        db.ChangeTracker.Clear();
        var stored = await db.Feedbacks.Where(f => f.ConversationId!.StartsWith("SMbatch2")).OrderBy(f => f.ConversationId).Select(f => new { f.ConversationId, f.Rating }).ToListAsync();
        Assert.Equal([("SMbatch2a", 5), ("SMbatch2c", 1)], stored.Select(f => (f.ConversationId!, f.Rating)));

        var sent = await ScrapeAsync(blocked.Registry);
        Assert.Equal((2, 5, 1), (sent["tf_db_batch_statements_count"], sent["tf_db_batch_statements_sum"], sent["tf_db_batch_failed_total"]));
    }

    [Fact]
    public async Task When_PostgreSQL_cannot_be_reached_the_statements_of_a_batch_all_hear_it_from_one_attempt()
    {
        // A server that hangs up on every connection: the first it holds open until the test lets it go, so that
        // statements queue behind it; each later one it closes at once. It counts them all.
        using var hangsUp = new TcpListener(IPAddress.Loopback, 0);
        hangsUp.Start();
        var attempts = 0;
        var held = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            while (true)
            {
                var socket = await hangsUp.AcceptSocketAsync();
                if (Interlocked.Increment(ref attempts) > 1 || !held.TrySetResult(socket))
                {
                    socket.Dispose();
                }
            }
        });
        var unreachable = new NpgsqlConnectionStringBuilder(Factory.ConnectionString) { Host = "127.0.0.1", Port = ((IPEndPoint)hangsUp.LocalEndpoint).Port, Timeout = 30 };
        var registry = Metrics.NewCustomRegistry();
        await using var batcher = new StatementBatcher(unreachable.ConnectionString, new WebhookMetrics(Metrics.WithCustomRegistry(registry)), senders: 1);
        await using var db = Factory.Db();

        var first = RateAsync(batcher, db, 1, 5, "SMbatch4");
        Task<int>[] queued;
        using (await held.Task)
        {
            // Queued while the lone statement's connection is held: they leave together after it, when it is hung up on.
            queued = Enumerable.Range(0, 5).Select(i => RateAsync(batcher, db, 1, 5, $"SMbatch4-{i}")).ToArray();
        }
        foreach (var statement in queued.Prepend(first))
        {
            await ExpectOutageAsync(statement);
        }
        // Each attempt is counted before the client sees it fail. The lone statement's open and the batch's (a client
        // may try twice an open), not one more for each of the five: that would be at least one a statement.
        Assert.True(Volatile.Read(ref attempts) < queued.Length + 1, $"{attempts} connection attempts for six statements: the failed batch's statements tried again on their own");
        var sent = await ScrapeAsync(registry);
        Assert.Equal((2, 6, 1), (sent["tf_db_batch_statements_count"], sent["tf_db_batch_statements_sum"], sent["tf_db_batch_failed_total"]));
    }

    private static async Task ExpectOutageAsync(Task<int> statement)
    {
        var failure = await Assert.ThrowsAnyAsync<NpgsqlException>(() => statement);
        Assert.True(Outage.IsDatabase(failure), failure.ToString());
    }

    [Fact]
    public async Task A_statement_in_the_callers_transaction_runs_in_it()
    {
        var registry = Metrics.NewCustomRegistry();
        await using var batcher = new StatementBatcher(Factory.ConnectionString, new WebhookMetrics(Metrics.WithCustomRegistry(registry)), senders: 1);
        await using var db = Factory.Db();
        var patient = new Patient { ExternalId = "PAT-BATCH-3", CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start };
        db.Add(patient);
        await db.SaveChangesAsync();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(1, await batcher.ExecuteAsync(db, Rate, CancellationToken.None, FixedSql.Bigint(patient.Id), FixedSql.Integer(4), FixedSql.Time(AppFactory.Start), FixedSql.Text("SMbatch3")));
            await transaction.RollbackAsync();
        }

        Assert.False(await db.Feedbacks.AnyAsync(f => f.ConversationId == "SMbatch3"));
        Assert.Equal(0, (await ScrapeAsync(registry))["tf_db_batch_statements_count"]);
    }

    /// <summary>A rating as a turn stores it: once per conversation.</summary>
    private static Task<int> RateAsync(StatementBatcher batcher, FeedbackDbContext db, long patient, int rating, string conversation) =>
        batcher.ExecuteAsync(db, Rate, CancellationToken.None, FixedSql.Bigint(patient), FixedSql.Integer(rating), FixedSql.Time(AppFactory.Start), FixedSql.Text(conversation));

    /// <summary>A patient whose row another transaction holds, and a batcher of one sender whose statement waits for it.</summary>
    private async Task<Blocked> BlockOnAPatientAsync(string externalId)
    {
        var holder = Factory.Db();
        holder.Add(new Patient { ExternalId = externalId, CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start });
        await holder.SaveChangesAsync();
        var locked = await holder.Database.BeginTransactionAsync();
        var id = await holder.Database.SqlQuery<long>($"SELECT id AS \"Value\" FROM patients WHERE external_id = {externalId} FOR UPDATE").SingleAsync();
        var registry = Metrics.NewCustomRegistry();
        var batcher = new StatementBatcher(Factory.ConnectionString, new WebhookMetrics(Metrics.WithCustomRegistry(registry)), senders: 1);
        // From a context with no transaction of its own: the holder's would run the statement inside the lock.
        await using var caller = Factory.Db();
        var waiting = batcher.ExecuteAsync(caller, Touch, CancellationToken.None, FixedSql.Time(AppFactory.Start.AddHours(1)), FixedSql.Bigint(id));
        await LockWaits.UntilBlockedAsync(Factory, waiting, "UPDATE patients%");
        return new Blocked(id, registry, batcher, holder, locked, waiting);
    }

    private sealed record Blocked(long Patient, CollectorRegistry Registry, StatementBatcher Batcher, FeedbackDbContext Holder, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction Locked, Task<int> Waiting) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Batcher.DisposeAsync();
            await Holder.DisposeAsync();
        }
    }

    private static async Task<PrometheusText> ScrapeAsync(CollectorRegistry registry)
    {
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text);
        return PrometheusText.Parse(Encoding.UTF8.GetString(text.ToArray()));
    }
}
