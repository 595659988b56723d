using System.Globalization;

namespace TwilioFeedback.Bench;

/// <summary>CPU time and peak memory of a process, and the whole machine's CPU, read from /proc.</summary>
public sealed class ProcessStats(int pid)
{
    // USER_HZ: 100 on every Linux the benchmark targets (getconf CLK_TCK).
    private const double TicksPerSecond = 100;

    /// <summary>Starts a window: peak RSS (VmHWM) reset where the kernel lets us, CPU counters read.</summary>
    public Window Start()
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5"); // resets VmHWM to the current RSS
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
        return new Window(this, ProcessCpuSeconds(), MachineTicks(), Environment.CpuUsage.TotalTime.TotalSeconds, DateTime.UtcNow);
    }

    public double ProcessCpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ": state is field 3, utime 14, stime 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>Peak resident memory in MiB (VmHWM).</summary>
    public double PeakMegabytes() => StatusKilobytes("VmHWM:") / 1024.0;

    public double ResidentMegabytes() => StatusKilobytes("VmRSS:") / 1024.0;

    private long StatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    /// <summary>(busy, total) jiffies of all cores since boot.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Take(8).Sum();
        var idle = cpu[3] + cpu[4];
        return (total - idle, total);
    }

    public sealed class Window(ProcessStats stats, double cpu, (long Busy, long Total) machine, double driverCpu, DateTime started)
    {
        private double _peakRss;

        /// <summary>Called now and then during the window: VmHWM may not be resettable (no root), RSS samples are a floor.</summary>
        public void Sample() => _peakRss = Math.Max(_peakRss, stats.ResidentMegabytes());

        public Usage Stop()
        {
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            var (busy, total) = MachineTicks();
            Sample();
            return new Usage(
                ServerCpuPercent: Math.Round(100 * (stats.ProcessCpuSeconds() - cpu) / seconds, 1),
                ServerPeakMegabytes: Math.Round(Math.Max(stats.PeakMegabytes(), _peakRss), 1),
                DriverCpuPercent: Math.Round(100 * (Environment.CpuUsage.TotalTime.TotalSeconds - driverCpu) / seconds, 1),
                MachineCpuPercent: Math.Round(100.0 * Environment.ProcessorCount * (busy - machine.Busy) / Math.Max(1, total - machine.Total), 1));
        }
    }
}

/// <summary>CPU in percent of one core (200 = both cores of a 2-core machine), memory in MiB.</summary>
public sealed record Usage(double ServerCpuPercent, double ServerPeakMegabytes, double DriverCpuPercent, double MachineCpuPercent);
