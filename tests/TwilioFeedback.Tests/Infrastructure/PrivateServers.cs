using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>Helpers for the servers a fault test owns: free ports, processes run to completion, waiting for a port.</summary>
public static class PrivateServer
{
    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs a command to completion (at most <paramref name="within"/>), failing with its output if it fails.</summary>
    public static async Task RunAsync(string file, IEnumerable<string> arguments, TimeSpan within)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {within}.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    /// <summary>Waits until something accepts connections on the port (or the deadline passes).</summary>
    public static async Task WaitForPortAsync(int port, bool open, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            bool accepting;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                accepting = true;
            }
            catch (SocketException)
            {
                accepting = false;
            }
            if (accepting == open)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Port {port} still {(open ? "closed" : "open")} after {within}.");
            }
            await Task.Delay(50);
        }
    }
}

/// <summary>A redis-server of the test's own (free port, temporary folder, no persistence), killed and started again at will.</summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tf-redis-").FullName;
    private Process? _process;

    public int Port { get; } = PrivateServer.FreePort();

    public string Configuration => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder };
        foreach (var argument in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _folder, "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server (is it on PATH?).");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await PrivateServer.WaitForPortAsync(Port, open: true, TimeSpan.FromSeconds(15));
    }

    /// <summary>Kills the server at once (SIGKILL): every key is lost, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
        await PrivateServer.WaitForPortAsync(Port, open: false, TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in a temporary folder, free port), stopped and
/// started at will. As root it runs as the postgres user, like scripts/lib/services.sh.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private static readonly string Bin = Environment.GetEnvironmentVariable("TF_PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";
    private static readonly bool AsRoot = Environment.UserName == "root";
    private readonly string _folder = Directory.CreateTempSubdirectory("tf-postgres-").FullName;

    public int Port { get; } = PrivateServer.FreePort();

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5;Command Timeout=15";

    private string Data => Path.Combine(_folder, "data");

    public async Task InitAsync()
    {
        var within = TimeSpan.FromSeconds(60);
        if (AsRoot)
        {
            await PrivateServer.RunAsync("chown", ["postgres:postgres", _folder], within);
        }
        await PgAsync("initdb", ["-D", Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], within);
        await StartAsync();
    }

    public async Task StartAsync()
    {
        var options = $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c full_page_writes=off";
        await PgAsync("pg_ctl", ["-D", Data, "-l", Path.Combine(_folder, "postgres.log"), "-o", options, "-w", "-t", "60", "start"], TimeSpan.FromSeconds(70));
    }

    /// <summary>Stops the server without waiting for clients (<c>-m immediate</c>: as in a crash); committed rows survive (synchronous commit).</summary>
    public async Task StopAsync()
    {
        await PgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(30));
        await PrivateServer.WaitForPortAsync(Port, open: false, TimeSpan.FromSeconds(10));
    }

    private Task PgAsync(string program, string[] arguments, TimeSpan within) =>
        AsRoot
            ? PrivateServer.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, program), .. arguments], within)
            : PrivateServer.RunAsync(Path.Combine(Bin, program), arguments, within);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", ["-D", Data, "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(30));
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        Directory.Delete(_folder, recursive: true);
    }
}
