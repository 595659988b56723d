// The benchmark's driver (see bench/run):
//   load       simulated patients doing whole conversations (SMS, voice keypad, USSD) over signed webhooks
//   reminders  inserts due reminders, waits for the server to send them to the fake Twilio, checks for duplicates
//   report     turns the collected results into BENCHMARKS.md
using System.Text.Json;
using TwilioFeedback.Bench;

var command = args.FirstOrDefault();
var options = Options.Parse(args.Skip(1));
try
{
    return command switch
    {
        "load" => await LoadPhase.RunAsync(options),
        "reminders" => await ReminderPhase.RunAsync(options),
        "report" => Report.Write(options),
        _ => Usage(),
    };
}
catch (OptionException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Bench.LoadDriver load|reminders|report --option value …  (see bench/run)");
    return 2;
}

namespace TwilioFeedback.Bench
{
    /// <summary>A missing or malformed command-line option.</summary>
    public sealed class OptionException(string message) : Exception(message);

    /// <summary><c>--name value</c> pairs.</summary>
    public sealed class Options(Dictionary<string, string> values)
    {
        public static Options Parse(IEnumerable<string> args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            string? name = null;
            foreach (var arg in args)
            {
                if (arg.StartsWith("--", StringComparison.Ordinal))
                {
                    if (name is not null)
                    {
                        values[name] = "true";
                    }
                    name = arg[2..];
                }
                else if (name is not null)
                {
                    values[name] = arg;
                    name = null;
                }
            }
            if (name is not null)
            {
                values[name] = "true";
            }
            return new Options(values);
        }

        public string Get(string name) => values.TryGetValue(name, out var value) ? value : throw new OptionException($"--{name} is required.");

        public string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);

        public int Int(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

        public double Double(string name, double fallback) => values.TryGetValue(name, out var value) ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>One line of the results file: a load phase or the reminder drain.</summary>
    public static class Results
    {
        public static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

        public static void Append<T>(string path, T result)
        {
            File.AppendAllText(path, JsonSerializer.Serialize(result, Json) + "\n");
            Console.WriteLine(JsonSerializer.Serialize(result, Json));
        }
    }
}
