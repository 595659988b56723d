using System.Globalization;
using Npgsql;

namespace TwilioFeedback.Bench;

/// <summary>
/// CPU seconds used so far by the benchmark's own PostgreSQL (its postmaster and every backend it forked) and
/// Redis, read from /proc; null where the service cannot be found or read (another host, another user).
/// PostgreSQL's is kept per process: a backend that exits between two readings takes its CPU with it (the
/// pools keep theirs open, but a pool may close an idle one), so <see cref="PostgresSince"/> counts only the
/// processes alive at the second reading, each from its first reading or from zero if it is new.
/// </summary>
public sealed record ServiceCpu(IReadOnlyDictionary<int, double>? PostgresByProcess, double? Redis)
{
    /// <summary>PostgreSQL's CPU seconds from <paramref name="before"/> to this reading, or null where either could not read it.</summary>
    public double? PostgresSince(ServiceCpu before) =>
        PostgresByProcess is { } now && before.PostgresByProcess is { } then
            ? now.Sum(p => p.Value - (then.TryGetValue(p.Key, out var earlier) && earlier <= p.Value ? earlier : 0))
            : null;

    public static async Task<ServiceCpu> ReadAsync(string? redis, string? db)
    {
        IReadOnlyDictionary<int, double>? postgres = null;
        double? redisCpu = null;
        if (db is not null && await PostmasterAsync(db) is { } postmaster)
        {
            postgres = Tree(postmaster);
        }
        if (redis is not null && await RedisPidAsync(redis) is { } pid)
        {
            redisCpu = Seconds(pid);
        }
        return new ServiceCpu(postgres, redisCpu);
    }

    private static async Task<int?> PostmasterAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return Stat(backend) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;
    }

    private static async Task<int?> RedisPidAsync(string redis)
    {
        foreach (var line in (await WorkCounters.RedisInfoAsync(redis, "server")).Split("\r\n"))
        {
            if (line.StartsWith("process_id:", StringComparison.Ordinal))
            {
                return int.Parse(line["process_id:".Length..], CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    /// <summary>The postmaster's own CPU and that of every process whose parent it is, by process id.</summary>
    private static Dictionary<int, double>? Tree(int postmaster)
    {
        if (Seconds(postmaster) is not { } own)
        {
            return null;
        }
        var tree = new Dictionary<int, double> { [postmaster] = own };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Stat(pid) is { } fields && fields[1] == postmaster.ToString(CultureInfo.InvariantCulture))
            {
                tree[pid] = Ticks(fields) / 100.0;
            }
        }
        return tree;
    }

    private static double? Seconds(int pid) => Stat(pid) is { } fields ? Ticks(fields) / 100.0 : null;

    // After "pid (comm) ": state, ppid, … utime (11), stime (12), counted from the state.
    private static long Ticks(string[] fields) =>
        long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);

    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
