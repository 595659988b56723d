using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Observability;

namespace TwilioFeedback.Tests.Observability;

/// <summary>
/// The server with <c>Logging:Format=json</c>; every line is also written, through the formatter the
/// console would use, into <see cref="Lines"/>.
/// </summary>
public sealed class JsonLogFactory : AppFactory
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Logging:Format"] = "json" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(sp => new ConsoleLines(
            sp.GetRequiredService<IEnumerable<ConsoleFormatter>>(), sp.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(), Lines)));
    }

    /// <summary>What the console logger would print, kept in memory.</summary>
    private sealed class ConsoleLines(IEnumerable<ConsoleFormatter> formatters, IOptionsMonitor<ConsoleLoggerOptions> console, ConcurrentQueue<string> lines)
        : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        private void Write<TState>(in LogEntry<TState> entry)
        {
            var chosen = formatters.Single(f => f.Name == console.CurrentValue.FormatterName);
            using var writer = new StringWriter();
            chosen.Write(entry, _scopes, writer);
            lines.Enqueue(writer.ToString());
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ConsoleLines provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => provider.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
        }
    }
}

public sealed class JsonLogTests(JsonLogFactory factory) : IntegrationTest<JsonLogFactory>(factory)
{
    private const string Patient = "+237690007777";

    [Fact]
    public async Task A_webhook_log_line_is_JSON_with_the_request_id_and_without_the_phone_number()
    {
        Assert.Equal(JsonLogFormatter.Name, Factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var sid = TwilioRequests.NewMessageSid();

        var response = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Patient, "Hello", sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        var handled = Factory.Lines.Select(line => JsonDocument.Parse(line).RootElement)
            .Single(line => line.GetProperty("event_id").GetInt32() == 2001 && line.GetProperty("message").GetString()!.Contains(sid));
        Assert.Equal("Debug", handled.GetProperty("level").GetString());
        Assert.Equal(requestId, handled.GetProperty("request_id").GetString());
        Assert.Equal("/twilio/sms", handled.GetProperty("request_path").GetString());
        Assert.Contains("+2376", handled.GetProperty("message").GetString()); // masked, not absent
        Assert.All(Factory.Lines, line =>
        {
            Assert.DoesNotContain("690007777", line);
            Assert.DoesNotContain(AppFactory.AuthToken, line);
        });
    }

    [Fact]
    public void A_secret_in_a_gateway_path_is_blanked_out()
    {
        Assert.Equal("/ussd/***", JsonLogFormatter.Redact("/ussd/ussd-gateway-secret-42"));
        Assert.Equal("/sendgrid/events/***", JsonLogFormatter.Redact("/sendgrid/events/s3cret"));
        Assert.Equal("/twilio/sms", JsonLogFormatter.Redact("/twilio/sms"));
    }
}

/// <summary>A log format the server does not know stops start-up, naming the setting.</summary>
public sealed class LogFormatValidationTests
{
    private sealed class WithXmlLogs : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Logging:Format"] = "xml" };
    }

    [Fact]
    public void An_unknown_log_format_stops_start_up_naming_Logging_Format()
    {
        using var factory = new WithXmlLogs();
        var error = Record.Exception(() => factory.Server);
        Assert.NotNull(error);
        Assert.Contains("Logging:Format must be json or text", error + string.Join('\n', factory.Logs.Lines));
    }
}
