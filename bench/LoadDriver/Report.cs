using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TwilioFeedback.Bench;

/// <summary>BENCHMARKS.md from the results file: the machine, the load table, the reminder drain, the targets.</summary>
public static class Report
{
    // The targets of issue 7, on a 2-core machine.
    private const double TargetRatio = 0.35;
    private const double TargetP99Ms = 50;
    private const int TargetConcurrency = 64;
    private const double TargetRemindersPerSecond = 1000;
    private const double TargetMegabytes = 300;

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
        md.AppendLine(f, $"| runtime | .NET {Environment.Version}, server in Release with workstation GC (its csproj), baseline with ASP.NET Core defaults (server GC) |");
        md.AppendLine(f, $"| load | {options.Get("machine-note", "machine not checked for other load")} |");
        md.AppendLine();

        md.AppendLine("## Patients over signed webhooks").AppendLine();
        md.AppendLine("Closed loop: each of *c* simulated patients does whole conversations (a new number each, 4 turns each: language, rating, comment, thanks; voice skips the comment with `*`), each turn answered before the next. A turn is one signed webhook request. CPU is in % of one core (200 % = both cores); \"machine\" is all processes (driver, PostgreSQL, Redis, anyone else).").AppendLine();
        md.AppendLine("| target | scenario | c | turns/s | vs bare | p50 ms | p95 ms | p99 ms | max ms | errors | conversations | server CPU | server CPU ms/turn | server peak MiB | driver CPU | machine CPU |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in loads.OrderBy(r => r.Scenario).ThenBy(r => r.Concurrency).ThenByDescending(r => r.Target))
        {
            var bare = Baseline(loads, r);
            var ratio = r.Target == "server" && bare is { TurnsPerSecond: > 0 } ? $"{100 * r.TurnsPerSecond / bare.TurnsPerSecond:0} %" : "";
            var errors = r.Errors == 0 ? "0" : $"{r.Errors} ({string.Join(", ", r.ErrorKinds.Select(e => $"{e.Key}: {e.Value}"))})";
            md.AppendLine(f, $"| {r.Target} | {r.Scenario} | {r.Concurrency} | {r.TurnsPerSecond:0} | {ratio} | {r.P50Ms:0.0} | {r.P95Ms:0.0} | {r.P99Ms:0.0} | {r.MaxMs:0.0} | {errors} | {r.Conversations} | {r.Usage.ServerCpuPercent:0} % | {(r.TurnsPerSecond > 0 ? 10 * r.Usage.ServerCpuPercent / r.TurnsPerSecond : 0):0.000} | {(r.Target == "server" ? r.Usage.ServerPeakMegabytes.ToString("0", f) : $"({r.Usage.ServerPeakMegabytes:0})")} | {r.Usage.DriverCpuPercent:0} % | {r.Usage.MachineCpuPercent:0} % |");
        }
        md.AppendLine();

        if (reminders is { } m)
        {
            md.AppendLine("## Reminder dispatch").AppendLine();
            md.AppendLine(f, $"{m.Count:N0} due SMS reminders inserted in one statement, sent by the server's own dispatcher (Coravel schedule, `FOR UPDATE SKIP LOCKED` claims) to a fake Twilio API on loopback that answers each `Messages.json` POST with a SID and counts each body. \"rate\" is sends from the fake's first to its last request; \"drain\" runs from the insert's commit until no reminder is left scheduled or sending (it includes the wait for the next dispatch tick).").AppendLine();
            md.AppendLine("| reminders | insert s | drain s | send s | reminders/s | at provider | distinct at provider | duplicates at provider | sent in DB | left unsent | reminders with >1 attempt | distinct SIDs in DB | server CPU | server CPU ms/reminder | server peak MiB |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            md.AppendLine(f, $"| {m.Count} | {m.InsertSeconds:0.00} | {m.DrainSeconds:0.0} | {m.SendSeconds:0.0} | {m.RemindersPerSecond:0} | {m.ProviderRequests} | {m.ProviderDistinct} | {m.ProviderDuplicates} | {m.DbSent} | {m.DbNotSent} | {m.DbDuplicateAttempts} | {m.DbDistinctProviderIds} | {m.Usage.ServerCpuPercent:0} % | {10 * m.Usage.ServerCpuPercent * m.DrainSeconds / Math.Max(1, m.Count):0.000} | {m.Usage.ServerPeakMegabytes:0} |");
            md.AppendLine();
        }

        md.AppendLine("## Targets (2 cores)").AppendLine();
        md.AppendLine("| target | goal | measured | |").AppendLine("|---|---|---|---|");
        var sms = loads.FirstOrDefault(r => r is { Target: "server", Scenario: "sms" } && r.Concurrency == TargetConcurrency);
        if (sms is not null && Baseline(loads, sms) is { TurnsPerSecond: > 0 } smsBare)
        {
            var ratio = sms.TurnsPerSecond / smsBare.TurnsPerSecond;
            md.AppendLine(f, $"| SMS turns vs bare ASP.NET Core, c={TargetConcurrency} | ≥ {TargetRatio:P0} | {ratio:P0} ({sms.TurnsPerSecond:0} vs {smsBare.TurnsPerSecond:0}/s) | {Mark(ratio >= TargetRatio)} |");
            md.AppendLine(f, $"| SMS p99, c={TargetConcurrency} | ≤ {TargetP99Ms} ms | {sms.P99Ms:0.0} ms | {Mark(sms.P99Ms <= TargetP99Ms)} |");
            md.AppendLine(f, $"| SMS errors, c={TargetConcurrency} | 0 | {sms.Errors} | {Mark(sms.Errors == 0)} |");
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
        loads.FirstOrDefault(b => b.Target == "baseline" && b.Scenario == r.Scenario && b.Concurrency == r.Concurrency);

    private static string Mark(bool met) => met ? "met" : "**not met**";

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static double MemoryGiB()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
    }
}
