using System.Diagnostics;
using System.Net.Http.Json;
using Npgsql;

namespace TwilioFeedback.Bench;

/// <summary>
/// Due reminders inserted in one statement, sent by the server's own dispatcher to the fake Twilio;
/// timed until none is left to send, then counted at both ends for duplicates. A first lot (--warmup, unmeasured)
/// lets the JIT compile the dispatcher's path in tiers first, as the load phases warm the webhooks up. The
/// PostgreSQL transactions and Redis commands of the measured lot are counted per reminder.
/// </summary>
public static class ReminderPhase
{
    public sealed record Result(
        string Kind, int Count, double InsertSeconds, double DrainSeconds, double SendSeconds, double RemindersPerSecond,
        long ProviderRequests, long ProviderDistinct, long ProviderDuplicates, long DbSent, long DbNotSent, long DbDuplicateAttempts,
        long DbDistinctProviderIds, Usage Usage, int Warmup = 0, Work? Work = null, double? FakeCpuMs = null);

    private sealed record FakeStats(long Requests, int Distinct, int Duplicates, DateTime? First, DateTime? Last);

    public static async Task<int> RunAsync(Options options)
    {
        var count = options.Int("count", 100_000);
        var warmup = options.Int("warmup", 0);
        // Names this run's reminders, so that a second run on the same database counts only its own.
        var tag = options.Get("tag", Guid.NewGuid().ToString("N")[..8]);
        var mine = $"message LIKE 'Bench reminder {tag}-%'";
        var timeout = TimeSpan.FromSeconds(options.Double("timeout", 600));
        var stats = new ProcessStats(options.Int("pid", 0));
        using var fake = new HttpClient { BaseAddress = new Uri(options.Get("fake-twilio")) };
        await using var db = NpgsqlDataSource.Create(options.Get("db"));

        // 1,000 patients share the reminders; all due a minute ago, SMS only, outside any quiet hours (set by bench/run).
        await using (var patients = db.CreateCommand(
            "INSERT INTO patients (external_id, created_at, updated_at) SELECT 'BENCH' || g, now(), now() FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING"))
        {
            await patients.ExecuteNonQueryAsync();
        }
        if (warmup > 0)
        {
            var warm = tag + "w";
            await InsertAsync(db, warmup, warm);
            var warmClock = Stopwatch.StartNew();
            while (await ScalarAsync(db, $"SELECT count(*) FROM reminders WHERE status IN ('scheduled', 'sending') AND message LIKE 'Bench reminder {warm}-%'") > 0
                && warmClock.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
        }

        (await fake.PostAsync("/reset", null)).EnsureSuccessStatusCode();
        var counted = await WorkCounters.StartAsync(options.Get("redis", "") is { Length: > 0 } redis ? redis : null, options.Get("db"), null, 0, TimeSpan.Zero);
        var before = await ScalarAsync(db, "SELECT coalesce(max(id), 0) FROM reminders");
        var clock = Stopwatch.StartNew();
        await InsertAsync(db, count, tag);
        var inserted = clock.Elapsed;
        var window = stats.Start();
        // The fake Twilio's CPU: on this machine it takes a share of what the dispatch could have had.
        var fakeStats = options.Int("fake-pid", 0) is > 0 and var fakePid ? new ProcessStats(fakePid) : null;
        var fakeCpuBefore = fakeStats?.ProcessCpuSeconds() ?? 0;

        // Polled with EXISTS along the (status, scheduled_time) index, which stops at the first row still to send: a
        // count(*) every 100 ms read up to 100,000 rows each time, and an EXISTS filtered on the message read the heap
        // from its start, past every row already sent (14 ms a poll), PostgreSQL CPU the dispatcher then lacked.
        // The run's rows are those inserted after `before`.
        var stillToSend = $"""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM (SELECT id FROM reminders WHERE status = 'scheduled' AND id > {before} ORDER BY scheduled_time LIMIT 1) s)
                          OR EXISTS (SELECT 1 FROM (SELECT id FROM reminders WHERE status = 'sending' AND id > {before} ORDER BY scheduled_time LIMIT 1) s)
                        THEN 1 ELSE 0 END
            """;
        bool pending;
        do
        {
            await Task.Delay(100);
            window.Sample();
            pending = await ScalarAsync(db, stillToSend) > 0;
        }
        while (pending && clock.Elapsed - inserted < timeout);
        var drained = clock.Elapsed - inserted;
        var usage = window.Stop();
        var fakeCpu = fakeStats is null ? (double?)null : fakeStats.ProcessCpuSeconds() - fakeCpuBefore;
        var work = await counted.StopAsync(count, 0);
        var left = await ScalarAsync(db, "SELECT count(*) FROM reminders WHERE status IN ('scheduled', 'sending') AND " + mine);

        var provider = await fake.GetFromJsonAsync<FakeStats>("/stats", System.Text.Json.JsonSerializerOptions.Web) ?? throw new InvalidOperationException("The fake Twilio gave no stats.");
        var sendSeconds = provider is { First: { } first, Last: { } last } ? (last - first).TotalSeconds : 0;
        var result = new Result(
            "reminders", count, Math.Round(inserted.TotalSeconds, 2), Math.Round(drained.TotalSeconds, 2), Math.Round(sendSeconds, 2),
            Math.Round(sendSeconds > 0 ? provider.Requests / sendSeconds : 0, 1),
            provider.Requests, provider.Distinct, provider.Duplicates,
            await ScalarAsync(db, "SELECT count(*) FROM reminders WHERE status = 'sent' AND " + mine),
            left,
            await ScalarAsync(db, "SELECT count(*) FROM (SELECT reminder_id FROM delivery_attempts JOIN reminders r ON r.id = reminder_id WHERE r." + mine + " GROUP BY reminder_id HAVING count(*) > 1) d"),
            await ScalarAsync(db, "SELECT count(DISTINCT provider_id) FROM reminders WHERE " + mine),
            usage, warmup, work, fakeCpu is { } spent ? Math.Round(1000 * spent / count, 3) : null);
        Results.Append(options.Get("out"), result);
        return 0;
    }

    /// <summary><paramref name="count"/> reminders due a minute ago, named by <paramref name="tag"/>, in one statement.</summary>
    private static async Task InsertAsync(NpgsqlDataSource db, int count, string tag)
    {
        await using (var insert = db.CreateCommand(
            """
            INSERT INTO reminders (patient_id, message, language, scheduled_time, phone_number, channels, status, urgent, kind, confirm, attempts, created_at, updated_at)
            SELECT (SELECT min(id) FROM patients WHERE external_id LIKE 'BENCH%') + g % 1000, 'Bench reminder ' || $2 || '-' || g, 'en', now() - interval '1 minute',
                   '+23769' || lpad(g::text, 7, '0'), ARRAY['sms'], 'scheduled', false, 'reminder', false, 0, now(), now()
            FROM generate_series(1, $1) g
            """))
        {
            insert.Parameters.AddWithValue(count);
            insert.Parameters.AddWithValue(tag);
            await insert.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
