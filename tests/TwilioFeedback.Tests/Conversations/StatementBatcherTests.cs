using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Prometheus;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Observability;
using TwilioFeedback.Webhooks.Conversations;
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
        var (patient, registry, batcher, holder, locked) = await HoldAPatientAsync("PAT-BATCH-1");
        await using (holder)
        await using (batcher)
        {
            await using var db = Factory.Db();
            var waiting = batcher.ExecuteAsync(db, Touch, CancellationToken.None, FixedSql.Time(AppFactory.Start.AddHours(1)), FixedSql.Bigint(patient));
            await LockWaits.UntilBlockedAsync(Factory, waiting, "UPDATE patients%");

            var rating = batcher.ExecuteAsync(db, Rate, CancellationToken.None, FixedSql.Bigint(patient), FixedSql.Integer(4), FixedSql.Time(AppFactory.Start), FixedSql.Text("SMbatch1"));
            var again = batcher.ExecuteAsync(db, Rate, CancellationToken.None, FixedSql.Bigint(patient), FixedSql.Integer(2), FixedSql.Time(AppFactory.Start), FixedSql.Text("SMbatch1"));
            var found = batcher.FirstRowAsync(db, ExternalIdOf, r => r.GetString(0), CancellationToken.None, FixedSql.Bigint(patient));
            var nobody = batcher.FirstRowAsync(db, ExternalIdOf, r => r.GetString(0), CancellationToken.None, FixedSql.Bigint(-1));
            Assert.False(rating.IsCompleted, "a statement queued behind the held one ran before it");
            await locked.CommitAsync();

            Assert.Equal(1, await waiting);
            // The same message twice in one round trip: the first stores it, the second finds it stored.
            Assert.Equal((1, 0), (await rating, await again));
            Assert.Equal("PAT-BATCH-1", await found);
            Assert.Null(await nobody);
            db.ChangeTracker.Clear();
            Assert.Equal(4, (await db.Feedbacks.SingleAsync(f => f.ConversationId == "SMbatch1")).Rating);

            var sent = await ScrapeAsync(registry);
            // Two round trips: the held statement alone, then the four queued behind it.
            Assert.Equal((2, 5), (sent["tf_db_batch_statements_count"], sent["tf_db_batch_statements_sum"]));
            Assert.Equal(0, sent["tf_db_batch_failed_total"]);
        }
    }

    [Fact]
    public async Task A_statement_that_fails_in_a_batch_fails_alone_and_the_others_are_stored_once()
    {
        var (patient, registry, batcher, holder, locked) = await HoldAPatientAsync("PAT-BATCH-2");
        await using (holder)
        await using (batcher)
        {
            await using var db = Factory.Db();
            var waiting = batcher.ExecuteAsync(db, Touch, CancellationToken.None, FixedSql.Time(AppFactory.Start.AddHours(1)), FixedSql.Bigint(patient));
            await LockWaits.UntilBlockedAsync(Factory, waiting, "UPDATE patients%");

            var before = batcher.ExecuteAsync(db, Rate, CancellationToken.None, FixedSql.Bigint(patient), FixedSql.Integer(5), FixedSql.Time(AppFactory.Start), FixedSql.Text("SMbatch2a"));
            // No such patient: the foreign key refuses it, which rolls back the whole round trip it is in.
            var orphan = batcher.ExecuteAsync(db, Rate, CancellationToken.None, FixedSql.Bigint(-1), FixedSql.Integer(3), FixedSql.Time(AppFactory.Start), FixedSql.Text("SMbatch2b"));
            var after = batcher.ExecuteAsync(db, Rate, CancellationToken.None, FixedSql.Bigint(patient), FixedSql.Integer(1), FixedSql.Time(AppFactory.Start), FixedSql.Text("SMbatch2c"));
            var found = batcher.FirstRowAsync(db, ExternalIdOf, r => r.GetString(0), CancellationToken.None, FixedSql.Bigint(patient));
            await locked.CommitAsync();

            Assert.Equal(1, await waiting);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => orphan);
            Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
            // Its neighbours were run again alone: each stored once, and each caller told so.
            Assert.Equal((1, 1), (await before, await after));
            Assert.Equal("PAT-BATCH-2", await found);
            db.ChangeTracker.Clear();
            var stored = await db.Feedbacks.Where(f => f.ConversationId!.StartsWith("SMbatch2")).OrderBy(f => f.ConversationId).Select(f => new { f.ConversationId, f.Rating }).ToListAsync();
            Assert.Equal([("SMbatch2a", 5), ("SMbatch2c", 1)], stored.Select(f => (f.ConversationId!, f.Rating)));

            var sent = await ScrapeAsync(registry);
            Assert.Equal((2, 5, 1), (sent["tf_db_batch_statements_count"], sent["tf_db_batch_statements_sum"], sent["tf_db_batch_failed_total"]));
        }
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

    /// <summary>A patient whose row another transaction holds, and a batcher of one sender.</summary>
    private async Task<(long Patient, CollectorRegistry Registry, StatementBatcher Batcher, FeedbackDbContext Holder, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction Locked)> HoldAPatientAsync(string externalId)
    {
        await using (var db = Factory.Db())
        {
            db.Add(new Patient { ExternalId = externalId, CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start });
            await db.SaveChangesAsync();
        }
        var holder = Factory.Db();
        var locked = await holder.Database.BeginTransactionAsync();
        var id = await holder.Database.SqlQuery<long>($"SELECT id AS \"Value\" FROM patients WHERE external_id = {externalId} FOR UPDATE").SingleAsync();
        var registry = Metrics.NewCustomRegistry();
        return (id, registry, new StatementBatcher(Factory.ConnectionString, new WebhookMetrics(Metrics.WithCustomRegistry(registry)), senders: 1), holder, locked);
    }

    private static async Task<PrometheusText> ScrapeAsync(CollectorRegistry registry)
    {
        using var text = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(text);
        return PrometheusText.Parse(Encoding.UTF8.GetString(text.ToArray()));
    }
}
