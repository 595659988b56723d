using System.Collections.Concurrent;
using Prometheus;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Webhooks.Observability;

/// <summary>
/// What the edge counts: webhook latency, conversations, stored feedback, due reminders. Labels are
/// fixed vocabularies (channel, language code, status class): never a number, an id or a text.
/// </summary>
public sealed class WebhookMetrics(IMetricFactory factory)
{
    private static readonly string[] KnownChannels = ["sms", "whatsapp", "voice", "ussd", "web", "api", "sync"];

    private readonly Histogram _webhookDuration = factory.CreateHistogram(
        "tf_webhook_duration_seconds", "Time to answer a webhook, by channel (sms, whatsapp, voice, ussd, status) and status class.",
        ["channel", "code"],
        new HistogramConfiguration { Buckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private readonly Counter _started = factory.CreateCounter(
        "tf_conversations_started_total", "Conversations opened (the first message that found none), by channel.", ["channel"]);

    private readonly Counter _completed = factory.CreateCounter(
        "tf_conversations_completed_total", "Conversations that reached the end of the survey (the thanks), by channel.", ["channel"]);

    private readonly Counter _feedback = factory.CreateCounter(
        "tf_feedback_stored_total", "Feedback rows stored, by channel and language code.", ["channel", "language"]);

    private readonly Histogram _batched = factory.CreateHistogram(
        "tf_db_batch_statements", "Statements of concurrent turns sent to PostgreSQL in one round trip (StatementBatcher).",
        new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64] });

    private readonly Counter _batchFailed = factory.CreateCounter(
        "tf_db_batch_failed_total", "Batches of statements that failed as a whole, whose statements were then run again one by one.");

    /// <summary>Scheduled reminders whose time has come: refreshed at each scrape.</summary>
    public Gauge RemindersDue { get; } = factory.CreateGauge(
        "tf_reminders_due", "Scheduled reminders whose time has come and that no dispatcher has claimed yet (refreshed at scrape).");

    // Each (channel, status class) series found once: WithLabels hashes and allocates its labels on every call.
    private readonly ConcurrentDictionary<(string Channel, int Class), Histogram.Child> _answered = new();

    public void WebhookAnswered(string channel, int statusCode, TimeSpan elapsed)
    {
        var key = (channel, statusCode / 100);
        if (!_answered.TryGetValue(key, out var series))
        {
            series = _answered.GetOrAdd(key, k => _webhookDuration.WithLabels(k.Channel, $"{k.Class}xx"));
        }
        series.Observe(elapsed.TotalSeconds);
    }

    /// <summary>Counts a conversation step: a new conversation, or one that has reached the thanks.</summary>
    public void ConversationStep(Channel channel, ConversationState? before, Outcome outcome)
    {
        var name = ChannelLabel(channel);
        if (before is null && outcome.Next is not null)
        {
            _started.WithLabels(name).Inc();
        }
        if (outcome.Next?.QuestionId == SurveyDefinition.Done && before?.QuestionId != SurveyDefinition.Done)
        {
            _completed.WithLabels(name).Inc();
        }
    }

    /// <summary>Counts a round trip of the statement batcher: how many statements it carried, and whether they had to be run again alone.</summary>
    public void StatementsSent(int statements, bool failed)
    {
        _batched.Observe(statements);
        if (failed)
        {
            _batchFailed.Inc();
        }
    }

    public void FeedbackStored(string channel, string language) =>
        _feedback.WithLabels(
            KnownChannels.Contains(channel) ? channel : "other",
            Languages.FromCode(language)?.Code() ?? "other").Inc();

    public static string ChannelLabel(Channel channel) => channel switch
    {
        Channel.Sms => "sms",
        Channel.WhatsApp => "whatsapp",
        Channel.Voice => "voice",
        Channel.Ussd => "ussd",
        _ => "web",
    };
}
