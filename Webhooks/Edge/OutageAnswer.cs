namespace TwilioFeedback.Webhooks.Edge;

/// <summary>How a webhook is answered while PostgreSQL or Redis is down.</summary>
public enum OutageAnswer
{
    /// <summary>503 ProblemDetails with Retry-After: the caller (a provider's callback, the API) retries.</summary>
    RetryLater,

    /// <summary>A <c>&lt;Message&gt;</c> asking the patient to try again in a few minutes.</summary>
    Message,

    /// <summary>The same, spoken, then the call hangs up.</summary>
    Call,

    /// <summary>The same on a closing USSD screen.</summary>
    UssdScreen,
}
