using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>
/// One JSON object per line: time, level, category, event id, message, and the request's id
/// (<c>request_id</c>, also sent back as <c>X-Request-Id</c>) and trace id when the line belongs to
/// a request. Message templates already mask patient data; request paths are written with the
/// secrets some gateways put in them (USSD, SendGrid events) blanked out.
/// </summary>
public sealed class JsonLogFormatter(IOptionsMonitor<ConsoleFormatterOptions> options) : ConsoleFormatter(Name)
{
    public new const string Name = "tf-json";

    private static readonly string[] SecretPathPrefixes = ["/ussd/", "/sendgrid/events/"];

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }
        using var buffer = new MemoryStream();
        // Relaxed escaping: Duala, Basaa and French words stay readable (a log line is not HTML).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", options.CurrentValue.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now);
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            json.WriteNumber("event_id", logEntry.EventId.Id);
            json.WriteString("message", message);
            if (logEntry.Exception is not null)
            {
                json.WriteString("exception", logEntry.Exception.ToString());
            }
            scopeProvider?.ForEachScope(static (scope, writer) => WriteScope(scope, writer), json);
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                json.WriteStartObject("state");
                foreach (var (key, value) in values.Where(v => v.Key != "{OriginalFormat}"))
                {
                    json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write(Environment.NewLine);
    }

    private static void WriteScope(object? scope, Utf8JsonWriter json)
    {
        if (scope is not IEnumerable<KeyValuePair<string, object?>> values)
        {
            return;
        }
        foreach (var (key, value) in values)
        {
            switch (key)
            {
                case "RequestId":
                    json.WriteString("request_id", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "TraceId":
                    json.WriteString("trace_id", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "SpanId":
                    json.WriteString("span_id", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "RequestPath":
                    json.WriteString("request_path", Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                    break;
            }
        }
    }

    /// <summary><c>/ussd/s3cret</c> → <c>/ussd/***</c>: a secret in a path must not reach the logs.</summary>
    public static string Redact(string path)
    {
        foreach (var prefix in SecretPathPrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && path.Length > prefix.Length)
            {
                return prefix + "***";
            }
        }
        return path;
    }
}
