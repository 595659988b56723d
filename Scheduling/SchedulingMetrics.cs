using Prometheus;
using TwilioFeedback.Scheduling.Email;

namespace TwilioFeedback.Scheduling;

/// <summary>
/// What the background jobs count, in the host's metric registry. Labels are fixed vocabularies
/// (statuses, provider names, error kinds): never a number, an address or a text.
/// </summary>
public sealed class SchedulingMetrics(IMetricFactory factory)
{
    private readonly Counter _transitions = factory.CreateCounter(
        "tf_reminder_transitions_total", "Reminders moved into a status (sending, sent, delivered, failed, skipped, scheduled, …).", ["status"]);

    private readonly Counter _providerErrors = factory.CreateCounter(
        "tf_provider_errors_total", "Failed calls to an outside provider, by provider (twilio, sendgrid, smtp) and kind (transient, permanent, unsubscribed).",
        ["provider", "kind"]);

    public void ReminderTransitions(string status, int count = 1)
    {
        if (count > 0)
        {
            _transitions.WithLabels(status).Inc(count);
        }
    }

    public void ProviderError(string provider, string kind) => _providerErrors.WithLabels(provider, kind).Inc();

    /// <summary>The provider label of the email sender in use: SendGrid with an API key, else SMTP.</summary>
    public static string EmailProvider(EmailOptions options) => string.IsNullOrWhiteSpace(options.SendGridApiKey) ? "smtp" : "sendgrid";
}
