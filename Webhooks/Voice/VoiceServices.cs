using Microsoft.Extensions.Options;
using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>What a call's TwiML is spoken from, taken by the voice handlers as one <c>[AsParameters]</c> parameter.</summary>
public readonly record struct VoiceServices(
    HttpRequest Request, PatientTexts Texts, PromptCatalog Catalog, IOptions<VoiceOptions> Options, PublicUrls Urls, ILoggerFactory Loggers)
{
    /// <summary>Prompts for this answer: recordings are played from this server's public URL.</summary>
    public VoicePrompts Prompts(Type logCategory) =>
        new(Texts, Catalog, Options.Value, Urls.Base(Request), Loggers.CreateLogger(logCategory));
}
