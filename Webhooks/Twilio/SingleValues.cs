using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// The single-valued fields of a provider's form. A field sent twice (<c>From=a&amp;From=b</c>) would
/// read as "a,b" — a patient no one is — so the first repeated field read is remembered and the form refused.
/// </summary>
public sealed class SingleValues(IFormCollection form)
{
    private string? _repeated;

    public string this[string name]
    {
        get
        {
            var values = form[name];
            if (values.Count > 1)
            {
                _repeated ??= name;
            }
            return values.ToString();
        }
    }

    /// <summary>The 400 naming the first field read that came more than once, or null.</summary>
    public ProblemHttpResult? Problem => _repeated is null ? null : WebhookForm.BadRequest($"{_repeated} must be given once.");
}
