using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>
/// The built server (<c>dotnet TwilioFeedback.Webhooks.dll</c> from the tests' output folder) as a process
/// of its own on a free loopback port, its JSON log lines kept; frozen (as a stalled node), killed with its
/// process tree at will, or on dispose.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    public ServerProcess(string name, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        Port = PrivateServer.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TwilioFeedback.Webhooks.dll"));
        // Nothing of the test runner's own configuration leaks in: only what the test gives.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        start.Environment["Logging__Format"] = "json";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Generous: on a loaded 2-core machine a message taken over from a dead process waits out its claim (5 s) and more.
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>A client on this process (no token).</summary>
    public HttpClient Client { get; }

    public bool Killed { get; private set; }

    /// <summary>Every line the process wrote so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The log lines at level Error or Critical (the JSON format's <c>level</c>), or lines that are not JSON on stderr.</summary>
    public IReadOnlyList<string> ErrorLines => [.. _lines.Where(IsError)];

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private static bool IsError(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.TryGetProperty("level", out var level) && level.GetString() is "Error" or "Critical";
        }
        catch (JsonException)
        {
            return line.Contains("Unhandled exception", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
        }
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200, failing with the process's output if it exits or the deadline passes.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited {_process.ExitCode} while starting:\n{string.Join('\n', Lines)}");
            }
            try
            {
                using var response = await Client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} not ready after {within}:\n{string.Join('\n', Lines)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Stops the process where it stands (SIGSTOP): requests to it stay in flight, its claims and leases stop being renewed.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen process go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private Task SignalAsync(string signal) =>
        PrivateServer.RunAsync("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30));

    /// <summary>Kills the server and whatever it started, as an OOM kill or a lost node would, and waits until it is gone.</summary>
    public void Kill()
    {
        Killed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // never started, or already reaped
        }
        Client.Dispose();
        _process.Dispose();
    }
}
