using System.Globalization;
using Microsoft.Extensions.Options;
using TwilioFeedback.Scheduling;
using TwilioFeedback.Webhooks.Configuration;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>
/// <c>scripts/twilio-setup [--apply | --check]</c>: shows where the hospital's number sends its
/// messages, calls and call status today next to where it should, and sets it with <c>--apply</c>.
/// Exit codes: see <see cref="ExitCode"/> (and the README).
/// </summary>
public static class TwilioSetupCommand
{
    /// <summary>What the command's exit status says, for scripts and monitoring.</summary>
    public enum ExitCode
    {
        /// <summary>In sync, set by <c>--apply</c>, a dry run shown, or differences shown without <c>--check</c>.</summary>
        Ok = 0,

        /// <summary><c>--check</c>: some setting differs.</summary>
        Differs = 1,

        /// <summary>Bad arguments or configuration: PUBLIC_BASE_URL refused, number not set, <c>--check</c> without credentials.</summary>
        Configuration = 2,

        /// <summary>The account has no such number.</summary>
        UnknownNumber = 3,

        /// <summary>Twilio refused the credentials.</summary>
        Unauthorized = 4,

        /// <summary>Twilio failed or could not be reached.</summary>
        TwilioError = 5,
    }

    public const string Usage = "usage: twilio-setup [--apply | --check]   (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_PHONE_NUMBER, PUBLIC_BASE_URL from the environment)";

    /// <summary>The command as the server binary runs it: settings from appsettings.json and the environment.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Add(new EnvironmentAliasesSource())
            .Build();
        return RunAsync(args, configuration, Console.Out, CancellationToken.None);
    }

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, TextWriter output, CancellationToken cancellationToken)
    {
        var apply = args.Contains("--apply");
        var check = args.Contains("--check");
        if (args.Any(a => a is not ("--apply" or "--check")) || (apply && check))
        {
            await output.WriteLineAsync(Usage);
            return (int)ExitCode.Configuration;
        }
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>();
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        services.AddSingleton<PublicUrls>();
        services.AddTwilioNumberSetup();
        await using var provider = services.BuildServiceProvider();
        NumberSetupReport report;
        try
        {
            var twilio = provider.GetRequiredService<IOptions<TwilioOptions>>().Value;
            if (check && twilio.DryRun)
            {
                await output.WriteLineAsync("--check needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: without them nothing can be compared.");
                return (int)ExitCode.Configuration;
            }
            report = await provider.GetRequiredService<TwilioNumberSetup>().RunAsync(apply, cancellationToken);
        }
        catch (OptionsValidationException exception)
        {
            await output.WriteLineAsync(string.Join(Environment.NewLine, exception.Failures));
            return (int)ExitCode.Configuration;
        }
        await output.WriteAsync(Render(report, apply));
        return (int)(report.Outcome switch
        {
            NumberSetupOutcome.Differs => check || apply ? ExitCode.Differs : ExitCode.Ok,
            NumberSetupOutcome.Refused => ExitCode.Configuration,
            NumberSetupOutcome.UnknownNumber => ExitCode.UnknownNumber,
            NumberSetupOutcome.Unauthorized => ExitCode.Unauthorized,
            NumberSetupOutcome.TwilioError => ExitCode.TwilioError,
            _ => ExitCode.Ok,
        });
    }

    /// <summary>The report as a table an operator reads: setting, now, should be, and whether it differs.</summary>
    public static string Render(NumberSetupReport report, bool apply)
    {
        var text = new System.Text.StringBuilder();
        var title = report.NumberSid is null
            ? $"Twilio number {report.PhoneNumber ?? "(TWILIO_PHONE_NUMBER not set)"}"
            : $"Twilio number {report.PhoneNumber} ({report.NumberSid}{(string.IsNullOrEmpty(report.FriendlyName) ? "" : $", \"{report.FriendlyName}\"")})";
        text.Append(title).AppendLine(CultureInfo.InvariantCulture, $" · PUBLIC_BASE_URL {report.PublicBaseUrl ?? "(not set)"}");
        if (report.MessagingService is { } service)
        {
            text.AppendLine(service.UsesNumberWebhook
                ? $"In Messaging Service {service.Sid} (\"{service.FriendlyName}\"), which uses the number's own webhook for incoming messages."
                : $"In Messaging Service {service.Sid} (\"{service.FriendlyName}\"), whose inbound webhook wins over the number's SmsUrl for incoming messages.");
        }
        if (report.Settings.Count > 0)
        {
            var rows = report.Settings.Select(s => (Where: s.Resource, s.Name, Now: report.Outcome == NumberSetupOutcome.DryRun ? "?" : string.IsNullOrEmpty(s.Current) ? "(none)" : s.Current, s.Expected,
                Mark: report.Outcome == NumberSetupOutcome.DryRun ? "" : s.Matches ? "ok" : "DIFFERS")).ToList();
            var widths = (Where: Math.Max(5, rows.Max(r => r.Where.Length)), Name: rows.Max(r => r.Name.Length), Now: Math.Max(3, rows.Max(r => r.Now.Length)), Expected: rows.Max(r => r.Expected.Length));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {"where".PadRight(widths.Where)}  {"setting".PadRight(widths.Name)}  {"now".PadRight(widths.Now)}  should be");
            foreach (var row in rows)
            {
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {row.Where.PadRight(widths.Where)}  {row.Name.PadRight(widths.Name)}  {row.Now.PadRight(widths.Now)}  {row.Expected.PadRight(widths.Expected)}  {row.Mark}").TrimEnd());
            }
        }
        var differing = report.Settings.Count(s => !s.Matches);
        text.AppendLine(report.Outcome switch
        {
            NumberSetupOutcome.InSync => "Everything is set as it should be.",
            NumberSetupOutcome.Applied => "Set: Twilio now sends this number's messages, calls and call status here.",
            NumberSetupOutcome.Differs when apply => report.Message,
            NumberSetupOutcome.Differs => string.Create(CultureInfo.InvariantCulture, $"{differing} setting(s) differ. Run with --apply to set them."),
            NumberSetupOutcome.DryRun when apply => report.Message + " Nothing was changed.",
            _ => report.Message,
        });
        return text.ToString();
    }
}
