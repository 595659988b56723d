using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using TwilioFeedback.Tests.Accounts;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Faults;

/// <summary>
/// <c>scripts/run</c> killed with <c>kill -9</c> (no clean-up) leaves its PostgreSQL, Redis and server running;
/// the next run reuses the first two, stops the server through <c>.local/run.pid</c>, and is healthy again.
/// A copy of the scripts in a folder of its own, so its <c>.local/</c> is the test's, on free ports.
/// </summary>
public sealed class ScriptsRunRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromMinutes(3);

    private readonly string _root = Directory.CreateTempSubdirectory("tf-run-").FullName;
    private readonly int _port = PrivateServer.FreePort();
    private readonly int _pgPort = PrivateServer.FreePort();
    private readonly int _redisPort = PrivateServer.FreePort();

    public Task InitializeAsync()
    {
        var repository = ServerBinary.RepositoryRoot();
        Directory.CreateDirectory(Path.Combine(_root, "scripts", "lib"));
        Directory.CreateDirectory(Path.Combine(_root, "Webhooks")); // where scripts/run starts the server from: its content root
        foreach (var script in new[] { "scripts/run", "scripts/lib/services.sh", "Webhooks/appsettings.json" })
        {
            File.Copy(Path.Combine(repository, script), Path.Combine(_root, script));
        }
        // PostgreSQL runs as its own user when the tests run as root: it must reach .local/.
        if (!OperatingSystem.IsWindows()) // the scripts are bash: Linux and macOS only
        {
            File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        }
        return Task.CompletedTask;
    }

    private string RunPid => Path.Combine(_root, ".local", "run.pid");

    private Dictionary<string, string> Environment => new()
    {
        ["PORT"] = _port.ToString(CultureInfo.InvariantCulture),
        ["TF_PG_PORT"] = _pgPort.ToString(CultureInfo.InvariantCulture),
        ["TF_REDIS_PORT"] = _redisPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A run of the script, its standard output and error kept as they come.</summary>
    private sealed class Run(Process process) : IDisposable
    {
        private readonly StringBuilder _printed = new();

        public Process Process { get; } = process;

        public string Printed
        {
            get
            {
                lock (_printed)
                {
                    return _printed.ToString();
                }
            }
        }

        public Run Read()
        {
            Process.OutputDataReceived += (_, e) => Keep(e.Data);
            Process.ErrorDataReceived += (_, e) => Keep(e.Data);
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
            return this;
        }

        public void Dispose() => Process.Dispose();

        private void Keep(string? line)
        {
            lock (_printed)
            {
                _printed.AppendLine(line);
            }
        }
    }

    private Run StartRun() => new Run(ServerBinary.StartScript("scripts/run", [], Environment, _root)).Read();

    /// <summary>Waits until the server answers <c>/health/ready</c> with 200; fails with what the script printed if it ends first.</summary>
    private async Task WaitUntilReadyAsync(Run run, int? notServer = null)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{_port}"), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + ReadyWithin;
        while (true)
        {
            Assert.False(run.Process.HasExited, "scripts/run ended:\n" + run.Printed);
            try
            {
                using var response = await client.GetAsync("/health/ready");
                // Until the new run has stopped it, the server left behind still answers on the port.
                if (response.IsSuccessStatusCode && (notServer is null || (File.Exists(RunPid) && File.ReadAllText(RunPid).Trim() is { Length: > 0 } pid && pid != notServer.Value.ToString(CultureInfo.InvariantCulture))))
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            Assert.True(DateTime.UtcNow < deadline, $"not ready within {ReadyWithin}:\n{run.Printed}");
            await Task.Delay(200);
        }
    }

    /// <summary>Whether a process runs (a zombie nobody reaped does not: it holds no port and does nothing).</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until the script itself has ended. Not <c>WaitForExitAsync</c>: that also waits for the end of the output it
    /// redirects, which the server left behind keeps open.
    /// </summary>
    private static async Task ExitedAsync(Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!process.HasExited)
        {
            Assert.True(DateTime.UtcNow < deadline, "scripts/run did not end after kill -9");
            await Task.Delay(50);
        }
    }

    private int ServerPid() => int.Parse(File.ReadAllText(RunPid).Trim(), CultureInfo.InvariantCulture);

    private static bool Listening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Scripts_run_after_a_kill_9_reuses_its_PostgreSQL_and_Redis_and_stops_the_server_left_behind()
    {
        using var first = StartRun();
        await WaitUntilReadyAsync(first);
        var leftBehind = ServerPid();
        first.Process.Kill(entireProcessTree: false); // SIGKILL to the script alone: its trap never runs
        await ExitedAsync(first.Process);
        Assert.True(Alive(leftBehind), "the server should outlive a script killed with kill -9");

        using var second = StartRun();
        await WaitUntilReadyAsync(second, notServer: leftBehind);
        var printed = second.Printed;
        Assert.Contains("PostgreSQL already running", printed, StringComparison.Ordinal);
        Assert.Contains($"Redis already running on {_redisPort}", printed, StringComparison.Ordinal);
        Assert.Contains($"stopping the server a previous run left behind (pid {leftBehind})", printed, StringComparison.Ordinal);
        Assert.False(Alive(leftBehind));
        var server = ServerPid();
        Assert.NotEqual(leftBehind, server);

        // An ordinary stop (TERM, as Ctrl-C's INT) still stops all it started.
        await PrivateServer.RunAsync("kill", ["-TERM", second.Process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        using (var stopped = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await second.Process.WaitForExitAsync(stopped.Token);
        }
        Assert.False(Alive(server));
        Assert.False(File.Exists(RunPid));
        Assert.False(Listening(_redisPort), "Redis still running");
        Assert.False(Listening(_pgPort), "PostgreSQL still running");
    }

    public async Task DisposeAsync()
    {
        // Whatever a failed run left: its server, Redis and PostgreSQL, then the folder.
        if (File.Exists(RunPid) && int.TryParse(File.ReadAllText(RunPid).Trim(), out var pid) && Alive(pid))
        {
            Process.GetProcessById(pid).Kill(entireProcessTree: true);
        }
        var stop = $". '{_root}/scripts/lib/services.sh'; tf_install_prerequisites; tf_stop_redis {_redisPort}; " +
            $"tf_stop_postgres \"$(tf_pg_home '{_root}' postgres)\"";
        await PrivateServer.RunAsync("bash", ["-c", stop], TimeSpan.FromMinutes(1));
        Directory.Delete(_root, recursive: true);
    }
}
