using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TwilioFeedback.Bench;

/// <summary>BENCHMARKS.md from the results file: the machine, the load table, the reminder drain, the targets.</summary>
public static class Report
{
    // The targets of issues 7 and 18, on a 2-core machine.
    private const double TargetVsMinimal = 0.60;
    private const double TargetP99VsMinimal = 1.5;
    private const int TargetConcurrency = 64;
    private const double TargetRemindersPerSecond = 1800;
    private const double TargetMegabytes = 250;

    public static int Write(Options options)
    {
        var loads = new List<LoadPhase.Result>();
        ReminderPhase.Result? reminders = null;
        foreach (var line in File.ReadLines(options.Get("results")).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.GetProperty("Kind").GetString() == "reminders")
            {
                reminders = document.RootElement.Deserialize<ReminderPhase.Result>(Results.Json);
            }
            else
            {
                loads.Add(document.RootElement.Deserialize<LoadPhase.Result>(Results.Json)!);
            }
        }

        var md = new StringBuilder();
        var f = CultureInfo.InvariantCulture;
        md.AppendLine("# Benchmarks").AppendLine();
        md.AppendLine("Written by `bench/run` (see README, \"Benchmark\"); every figure below comes from one run.").AppendLine();
        md.AppendLine("| | |").AppendLine("|---|---|");
        md.AppendLine(f, $"| date (UTC) | {options.Get("date", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", f))} |");
        md.AppendLine(f, $"| git commit | `{options.Get("commit", "unknown")}` |");
        md.AppendLine(f, $"| mode | {options.Get("mode", "full")} |");
        md.AppendLine(f, $"| machine | {Environment.ProcessorCount} cores (nproc), {CpuModel()}, {MemoryGiB():0.0} GiB memory |");
        md.AppendLine(f, $"| runtime | .NET {Environment.Version}, server and minimal turn in Release with workstation GC (their csproj), baseline with ASP.NET Core defaults (server GC) |");
        md.AppendLine(f, $"| load | {options.Get("machine-note", "machine not checked for other load")} |");
        md.AppendLine();

        md.AppendLine("## Patients over signed webhooks").AppendLine();
        md.AppendLine("Closed loop: each of *c* simulated patients does whole conversations (a new number each, 4 turns each: language, rating, comment, thanks; voice skips the comment with `*`), each turn answered before the next. A turn is one signed webhook request. \"minimal\" is `bench/MinimalTurn`, the least a correct SMS survey turn can do on the same PostgreSQL and Redis (signature, one Redis script, one statement, TwiML); it is the reference for all three scenarios and is measured again beside each, just before the server. \"vs minimal\" is turns/s over the minimal turn's; \"p99 vs minimal\" is p99 over its p99; \"CPU/turn vs minimal\" is CPU ms a turn over its. CPU is in % of one core (200 % = both cores) of the process measured (\"process\": the server, the minimal turn or the baseline); \"machine\" is all processes (driver, PostgreSQL, Redis, anyone else). The per-turn work is counted, not timed, so it holds on a loaded machine: Redis scripts (EVAL/EVALSHA: the round trips a turn waits for) and commands (INFO commandstats, commands run inside a script included), PostgreSQL transactions (pg_stat_database; a transaction of several statements counts once), KB allocated by the process and the milliseconds a second its JIT spent compiling (dotnet-counters, with `BENCH_COUNTERS`: a process still compiling its hot code is not yet in its steady state); and the CPU milliseconds a turn of the shared PostgreSQL (its postmaster and backends) and Redis, read from /proc: on a machine-bound run they are the part of a turn's cost that is not in the process's column; PostgreSQL and Redis are shared, so the server's background polls add a little to the minimal turn's rows too.").AppendLine();
        md.AppendLine("| target | scenario | c | turns/s | vs bare | vs minimal | p50 ms | p95 ms | p99 ms | p99 vs minimal | max ms | errors | conversations | process CPU | CPU ms/turn | CPU/turn vs minimal | Redis scripts/turn | Redis commands/turn | PostgreSQL transactions/turn | KB allocated/turn | JIT ms/s | PostgreSQL CPU ms/turn | Redis CPU ms/turn | process peak MiB | driver CPU | machine CPU |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in loads.OrderBy(r => r.Beside ?? r.Scenario).ThenBy(r => r.Concurrency).ThenBy(r => TargetOrder(r.Target)))
        {
            var bare = Baseline(loads, r);
            var minimal = Minimal(loads, r);
            var ratio = r.Target != "baseline" && bare is { TurnsPerSecond: > 0 } ? $"{100 * r.TurnsPerSecond / bare.TurnsPerSecond:0} %" : "";
            var vsMinimal = r.Target == "server" && minimal is { TurnsPerSecond: > 0 } ? $"{100 * r.TurnsPerSecond / minimal.TurnsPerSecond:0} %" : "";
            var p99VsMinimal = r.Target == "server" && minimal is { P99Ms: > 0 } ? $"{r.P99Ms / minimal.P99Ms:0.00}×" : "";
            var cpuVsMinimal = r.Target == "server" && minimal is not null && CpuPerTurn(minimal) > 0 ? $"{CpuPerTurn(r) / CpuPerTurn(minimal):0.0}×" : "";
            var errors = r.Errors == 0 ? "0" : $"{r.Errors} ({string.Join(", ", r.ErrorKinds.Select(e => $"{e.Key}: {e.Value}"))})";
            var scenario = r.Target == "minimal" && r.Beside is { } beside && beside != r.Scenario ? $"{r.Scenario} (beside {beside})" : r.Scenario;
            md.AppendLine(f, $"| {r.Target} | {scenario} | {r.Concurrency} | {r.TurnsPerSecond:0} | {ratio} | {vsMinimal} | {r.P50Ms:0.0} | {r.P95Ms:0.0} | {r.P99Ms:0.0} | {p99VsMinimal} | {r.MaxMs:0.0} | {errors} | {r.Conversations} | {r.Usage.ServerCpuPercent:0} % | {CpuPerTurn(r):0.000} | {cpuVsMinimal} | {r.Work?.RedisScripts:0.00} | {r.Work?.RedisCommands:0.0} | {r.Work?.PgTransactions:0.00} | {r.Work?.AllocatedKb:0.0} | {r.Work?.JitMsPerSecond:0} | {r.Work?.PgCpuMs:0.000} | {r.Work?.RedisCpuMs:0.000} | {(r.Target == "baseline" ? $"({r.Usage.ServerPeakMegabytes:0})" : r.Usage.ServerPeakMegabytes.ToString("0", f))} | {r.Usage.DriverCpuPercent:0} % | {r.Usage.MachineCpuPercent:0} % |");
        }
        md.AppendLine();

        if (reminders is { } m)
        {
            md.AppendLine("## Reminder dispatch").AppendLine();
            md.AppendLine(f, $"{m.Count:N0} due SMS reminders inserted in one statement, sent by the server's own dispatcher (Coravel schedule, `FOR UPDATE SKIP LOCKED` claims) to a fake Twilio API on loopback that answers each `Messages.json` POST with a SID and counts each body. \"rate\" is sends from the fake's first to its last request; \"drain\" runs from the insert's commit until no reminder is left scheduled or sending (it includes the wait for the next dispatch tick). \"warm-up\" reminders were sent first, unmeasured, so that the dispatcher's code is compiled as in a server that has been up a while. PostgreSQL transactions (pg_stat_database; each statement outside a transaction counts one), Redis commands and the CPU of PostgreSQL (from the insert on) and of the fake Twilio are counted over the drain and divided by the reminders: they hold on a loaded machine, as does the server's CPU per reminder.").AppendLine();
            md.AppendLine("| reminders | warm-up | insert s | drain s | send s | reminders/s | at provider | distinct at provider | duplicates at provider | sent in DB | left unsent | reminders with >1 attempt | distinct SIDs in DB | server CPU | server CPU ms/reminder | PostgreSQL CPU ms/reminder | fake Twilio CPU ms/reminder | PostgreSQL transactions/reminder | Redis commands/reminder | server peak MiB | machine CPU |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            md.AppendLine(f, $"| {m.Count} | {m.Warmup} | {m.InsertSeconds:0.00} | {m.DrainSeconds:0.0} | {m.SendSeconds:0.0} | {m.RemindersPerSecond:0} | {m.ProviderRequests} | {m.ProviderDistinct} | {m.ProviderDuplicates} | {m.DbSent} | {m.DbNotSent} | {m.DbDuplicateAttempts} | {m.DbDistinctProviderIds} | {m.Usage.ServerCpuPercent:0} % | {10 * m.Usage.ServerCpuPercent * m.DrainSeconds / Math.Max(1, m.Count):0.000} | {m.Work?.PgCpuMs:0.000} | {m.FakeCpuMs:0.000} | {m.Work?.PgTransactions:0.000} | {m.Work?.RedisCommands:0.00} | {m.Usage.ServerPeakMegabytes:0} | {m.Usage.MachineCpuPercent:0} % |");
            md.AppendLine();
        }

        md.AppendLine("## Targets (2 cores)").AppendLine();
        md.AppendLine("| target | goal | measured | |").AppendLine("|---|---|---|---|");
        foreach (var scenario in new[] { "sms", "voice", "ussd" })
        {
            var server = loads.FirstOrDefault(r => r.Target == "server" && r.Scenario == scenario && r.Concurrency == TargetConcurrency);
            if (server is null)
            {
                continue;
            }
            var name = scenario == "sms" ? "SMS" : scenario == "voice" ? "Voice" : "USSD";
            if (Minimal(loads, server) is { TurnsPerSecond: > 0, P99Ms: > 0 } minimal)
            {
                var ratio = server.TurnsPerSecond / minimal.TurnsPerSecond;
                var p99 = server.P99Ms / minimal.P99Ms;
                md.AppendLine(f, $"| {name} turns vs the minimal SMS turn, c={TargetConcurrency} | ≥ {TargetVsMinimal:P0} | {ratio:P0} ({server.TurnsPerSecond:0} vs {minimal.TurnsPerSecond:0}/s) | {Mark(ratio >= TargetVsMinimal)} |");
                md.AppendLine(f, $"| {name} p99 vs the minimal SMS turn's, c={TargetConcurrency} | ≤ {TargetP99VsMinimal:0.0}× | {p99:0.00}× ({server.P99Ms:0.0} vs {minimal.P99Ms:0.0} ms) | {Mark(p99 <= TargetP99VsMinimal)} |");
            }
            md.AppendLine(f, $"| {name} errors, c={TargetConcurrency} | 0 | {server.Errors} | {Mark(server.Errors == 0)} |");
        }
        if (reminders is not null)
        {
            md.AppendLine(f, $"| reminders dispatched | ≥ {TargetRemindersPerSecond:0}/s | {reminders.RemindersPerSecond:0}/s | {Mark(reminders.RemindersPerSecond >= TargetRemindersPerSecond)} |");
            var duplicates = reminders.ProviderDuplicates + reminders.DbDuplicateAttempts;
            md.AppendLine(f, $"| reminder duplicates | 0 | {duplicates} | {Mark(duplicates == 0 && reminders.DbNotSent == 0)} |");
        }
        var peak = loads.Where(r => r.Target == "server").Select(r => r.Usage.ServerPeakMegabytes).Append(reminders?.Usage.ServerPeakMegabytes ?? 0).Max();
        md.AppendLine(f, $"| server memory under load (peak RSS) | ≤ {TargetMegabytes:0} MiB | {peak:0} MiB | {Mark(peak <= TargetMegabytes)} |");
        md.AppendLine();
        if (options.Get("notes", "") is { Length: > 0 } notes && File.Exists(notes))
        {
            md.AppendLine(File.ReadAllText(notes).TrimEnd()).AppendLine();
        }
        File.WriteAllText(options.Get("out"), md.ToString());
        Console.WriteLine(md.ToString());
        return 0;
    }

    private static LoadPhase.Result? Baseline(List<LoadPhase.Result> loads, LoadPhase.Result r) =>
        loads.FirstOrDefault(b => b.Target == "baseline" && b.Scenario == (r.Beside ?? r.Scenario) && b.Concurrency == r.Concurrency);

    /// <summary>The minimal SMS turn measured beside this scenario at the same concurrency.</summary>
    private static LoadPhase.Result? Minimal(List<LoadPhase.Result> loads, LoadPhase.Result r) =>
        loads.FirstOrDefault(m => m.Target == "minimal" && (m.Beside ?? m.Scenario) == r.Scenario && m.Concurrency == r.Concurrency)
        ?? loads.FirstOrDefault(m => m.Target == "minimal" && m.Concurrency == r.Concurrency);

    private static double CpuPerTurn(LoadPhase.Result r) => r.TurnsPerSecond > 0 ? 10 * r.Usage.ServerCpuPercent / r.TurnsPerSecond : 0;

    private static int TargetOrder(string target) => target switch { "baseline" => 0, "minimal" => 1, _ => 2 };

    private static string Mark(bool met) => met ? "met" : "**not met**";

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }
}
