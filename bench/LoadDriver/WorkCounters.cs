using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace TwilioFeedback.Bench;

/// <summary>
/// What a phase's turns cost besides CPU, counted rather than timed, so that a change shows even on a
/// loaded machine: Redis scripts and commands (INFO commandstats; commands called inside a script count
/// too), PostgreSQL transactions (pg_stat_database; a transaction of several statements counts once), and
/// the measured process's allocated bytes (dotnet-counters, when its path is given). Everything on the
/// shared PostgreSQL and Redis counts, so background work (the server's dispatcher polls) adds a little.
/// </summary>
public sealed class WorkCounters
{
    private readonly string? _redis;
    private readonly string? _db;
    private readonly (long Scripts, long Commands) _redisBefore;
    private readonly long _transactionsBefore;
    private readonly ServiceCpu _cpuBefore;
    private readonly Process? _counters;
    private readonly string? _countersFile;

    private WorkCounters(string? redis, string? db, Process? counters, string? countersFile, (long, long) redisBefore, long transactionsBefore, ServiceCpu cpuBefore)
    {
        (_redis, _db, _counters, _countersFile, _redisBefore, _transactionsBefore, _cpuBefore) = (redis, db, counters, countersFile, redisBefore, transactionsBefore, cpuBefore);
    }

    /// <param name="redis">host:port, or null.</param>
    /// <param name="db">An Npgsql connection string, or null.</param>
    /// <param name="countersTool">The dotnet-counters executable, or null.</param>
    public static async Task<WorkCounters> StartAsync(string? redis, string? db, string? countersTool, int pid, TimeSpan window)
    {
        Process? counters = null;
        string? file = null;
        if (countersTool is not null && pid > 0)
        {
            file = Path.Combine(Path.GetTempPath(), $"bench-counters-{pid}-{Environment.ProcessId}-{Stopwatch.GetTimestamp()}.csv");
            var start = new ProcessStartInfo(countersTool)
            {
                ArgumentList = { "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--counters", "System.Runtime[dotnet.gc.heap.total_allocated,dotnet.jit.compilation.time]",
                    "--refresh-interval", "1", "--format", "csv", "-o", file, "--duration", $"00:00:00:{(int)window.TotalSeconds}" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            counters = Process.Start(start);
        }
        var redisBefore = redis is null ? default : await RedisCallsAsync(redis);
        var transactionsBefore = db is null ? 0 : await TransactionsAsync(db);
        return new WorkCounters(redis, db, counters, file, redisBefore, transactionsBefore, await ServiceCpu.ReadAsync(redis, db));
    }

    /// <summary>Per turn: Redis scripts, Redis commands, PostgreSQL transactions, KB allocated (null where not counted).</summary>
    public async Task<Work> StopAsync(long turns, double turnsPerSecond)
    {
        double? PerTurn(long delta) => turns > 0 ? Math.Round((double)delta / turns, 2) : null;
        var work = new Work(null, null, null, null);
        if (_redis is not null)
        {
            var (scripts, commands) = await RedisCallsAsync(_redis);
            work = work with { RedisScripts = PerTurn(scripts - _redisBefore.Scripts), RedisCommands = PerTurn(commands - _redisBefore.Commands) };
        }
        if (_db is not null)
        {
            work = work with { PgTransactions = PerTurn(await TransactionsAsync(_db) - _transactionsBefore) };
        }
        // CPU of the shared PostgreSQL (postmaster and backends) and Redis, in ms a turn: where a machine-bound turn's time goes besides the process.
        var cpuAfter = await ServiceCpu.ReadAsync(_redis, _db);
        double? MsPerTurn(double? seconds) => turns > 0 && seconds is { } spent ? Math.Round(1000 * spent / turns, 3) : null;
        work = work with
        {
            PgCpuMs = MsPerTurn(cpuAfter.PostgresSince(_cpuBefore)),
            RedisCpuMs = MsPerTurn(cpuAfter.Redis - _cpuBefore.Redis),
        };
        if (_counters is not null && _countersFile is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _counters.WaitForExitAsync(timeout.Token);
                // Rows: Timestamp,Provider,Counter Name,Counter Type,Mean/Increment — bytes allocated in each second.
                var rows = File.Exists(_countersFile)
                    ? File.ReadLines(_countersFile).Skip(1).Select(l => l.Split(',')).Where(c => c.Length >= 5).ToList()
                    : [];
                List<double> Rates(string counter) =>
                    rows.Where(c => c[2].Contains(counter, StringComparison.Ordinal)).Select(c => double.Parse(c[^1], CultureInfo.InvariantCulture)).ToList();
                var rates = Rates("total_allocated");
                if (rates.Count > 0 && turnsPerSecond > 0)
                {
                    work = work with { AllocatedKb = Math.Round(rates.Average() / turnsPerSecond / 1024, 1) };
                }
                // Seconds the JIT spent compiling in each second: a server whose code is still being compiled is not yet the steady one.
                if (Rates("jit.compilation.time") is { Count: > 0 } jit)
                {
                    work = work with { JitMsPerSecond = Math.Round(jit.Average() * 1000) };
                }
            }
            catch (OperationCanceledException)
            {
                _counters.Kill();
            }
            finally
            {
                File.Delete(_countersFile);
            }
        }
        return work;
    }

    private static async Task<long> TransactionsAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>(EVAL + EVALSHA calls, all calls but INFO) from INFO commandstats, over a plain socket.</summary>
    private static async Task<(long Scripts, long Commands)> RedisCallsAsync(string redis)
    {
        var body = await RedisInfoAsync(redis, "commandstats");
        long scripts = 0, commands = 0;
        foreach (var line in body.Split("\r\n"))
        {
            // cmdstat_get:calls=2,usec=10,…
            if (!line.StartsWith("cmdstat_", StringComparison.Ordinal) || line.StartsWith("cmdstat_info:", StringComparison.Ordinal))
            {
                continue;
            }
            var name = line[8..line.IndexOf(':')];
            var calls = long.Parse(line.Split(':', 2)[1].Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
            commands += calls;
            if (name is "eval" or "evalsha" or "eval_ro" or "evalsha_ro")
            {
                scripts += calls;
            }
        }
        return (scripts, commands);
    }

    /// <summary>The text of Redis's INFO <paramref name="section"/> (host:port), over a plain socket.</summary>
    internal static async Task<string> RedisInfoAsync(string redis, string section)
    {
        var (host, port) = (redis[..redis.LastIndexOf(':')], int.Parse(redis[(redis.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
        using var client = new TcpClient();
        await client.ConnectAsync(host, port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"*2\r\n$4\r\nINFO\r\n${section.Length}\r\n{section}\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var header = await reader.ReadLineAsync() ?? throw new IOException("Redis closed the connection.");
        var length = int.Parse(header[1..], CultureInfo.InvariantCulture);
        var body = new char[length];
        var read = 0;
        while (read < length)
        {
            var n = await reader.ReadAsync(body.AsMemory(read, length - read));
            if (n == 0)
            {
                throw new IOException("Redis closed the connection.");
            }
            read += n;
        }
        return new string(body);
    }
}

/// <summary>Work counted per turn (null where not counted).</summary>
public sealed record Work(double? RedisScripts, double? RedisCommands, double? PgTransactions, double? AllocatedKb, double? JitMsPerSecond = null,
    double? PgCpuMs = null, double? RedisCpuMs = null);
