using System.Diagnostics;
using System.Text;
using Npgsql;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Accounts;

/// <summary>
/// <c>scripts/run</c> and <c>scripts/admin</c> run as processes, settings from the environment, the server
/// binary they start being the build beside the tests rather than their own Release build.
/// </summary>
public static class ServerBinary
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "TwilioFeedback.Webhooks.dll");

    /// <summary>The environment the scripts give the server: <c>DATABASE_URL</c> as a URL for <paramref name="connectionString"/>'s database, <c>REDIS_URL</c>, <c>SECRET_KEY</c>.</summary>
    public static Dictionary<string, string> Environment(string connectionString, string redisKeyPrefix)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString);
        return new Dictionary<string, string>
        {
            ["DATABASE_URL"] = $"postgresql://{database.Username}@{database.Host}:{database.Port}/{database.Database}",
            ["REDIS_URL"] = "redis://" + TestServices.Redis,
            ["Redis__KeyPrefix"] = redisKeyPrefix,
            ["SECRET_KEY"] = AppFactory.SecretKey,
        };
    }

    /// <summary>Runs one of <c>scripts/</c> to its end (see <see cref="StartScript"/>).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunScriptAsync(string script, IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        using var process = StartScript(script, arguments, environment);
        return await WaitAsync(process, script + " " + string.Join(' ', arguments));
    }

    /// <summary>
    /// Starts one of <c>scripts/</c> with a stand-in <c>dotnet</c> first on the PATH: <c>dotnet build</c> does nothing (the tests'
    /// build is used, not a Release build in the middle of the suite), and the script's
    /// <c>dotnet bin/Release/net10.0/TwilioFeedback.Webhooks.dll …</c>, checked to be run from <c>Webhooks/</c>, runs the tests' copy.
    /// <paramref name="root"/>: a copy of the scripts elsewhere (its own <c>.local/</c>), else the repository's.
    /// </summary>
    public static Process StartScript(string script, IEnumerable<string> arguments, IDictionary<string, string> environment, string? root = null)
    {
        var withShim = new Dictionary<string, string>(environment) { ["PATH"] = Shim.Value + ":" + System.Environment.GetEnvironmentVariable("PATH") };
        root ??= RepositoryRoot();
        return Start("bash", [Path.Combine(root, script), .. arguments], withShim, root);
    }

    /// <summary>The folder of the stand-in <c>dotnet</c>, written once a run (under the tests' output, which the run owns).</summary>
    private static readonly Lazy<string> Shim = new(() =>
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "script-shim");
        Directory.CreateDirectory(folder);
        var fake = Path.Combine(folder, "dotnet");
        File.WriteAllText(fake, $$"""
            #!/bin/sh
            [ "$1" = build ] && exit 0
            [ "$1" = bin/Release/net10.0/TwilioFeedback.Webhooks.dll ] && [ "$(basename "$PWD")" = Webhooks ] || { echo "unexpected: dotnet $* in $PWD" >&2; exit 97; }
            shift
            exec '{{RealDotnet()}}' '{{Dll}}' "$@"

            """);
        if (!OperatingSystem.IsWindows()) // the scripts are bash: Linux and macOS only
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return folder;
    });

    private static string RealDotnet() =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(folder => Path.Combine(folder, "dotnet")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No dotnet on the PATH.");

    private static Process Start(string file, IEnumerable<string> arguments, IDictionary<string, string> environment, string folder)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN" })
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
    }

    /// <summary>Waits for a process to end: exit code, standard output and error.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> WaitAsync(Process process, string command)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish: {await output}{await error}");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Reads a running process's standard output line by line until <paramref name="found"/> matches one; fails with what it
    /// printed if it exits or the time runs out. The caller keeps draining the output (and the error stream) afterwards.
    /// </summary>
    public static async Task<string> WaitForLineAsync(Process process, Func<string, bool> found, StringBuilder printed, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                printed.AppendLine(line);
                if (found(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Not printed within {within}:\n{printed}");
        }
        throw new InvalidOperationException($"The server exited before printing it:\n{printed}");
    }

    public static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TwilioFeedback.sln")))
        {
            root = root.Parent;
        }
        return root?.FullName ?? throw new InvalidOperationException("No TwilioFeedback.sln above the tests.");
    }
}
