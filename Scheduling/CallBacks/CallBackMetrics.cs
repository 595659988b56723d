using Prometheus;

namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>What call me back counts: the flashes it heard (by outcome) and the statuses call-backs reach. Labels are fixed words.</summary>
public sealed class CallBackMetrics(IMetricFactory factory)
{
    private readonly Counter _requests = factory.CreateCounter(
        "tf_call_back_requests_total", "Calls asking to be called back, by outcome (scheduled, pending, repeated, over_daily_limit).", ["outcome"]);

    private readonly Counter _transitions = factory.CreateCounter(
        "tf_call_back_transitions_total", "Call-backs moved into a status (placing, placed, answered, scheduled, failed, skipped).", ["status"]);

    public void Requested(CallBackRequestOutcome outcome) => _requests.WithLabels(outcome switch
    {
        CallBackRequestOutcome.Scheduled => "scheduled",
        CallBackRequestOutcome.Pending => "pending",
        CallBackRequestOutcome.Repeated => "repeated",
        _ => "over_daily_limit",
    }).Inc();

    public void Moved(string status, int count = 1)
    {
        if (count > 0)
        {
            _transitions.WithLabels(status).Inc(count);
        }
    }
}
