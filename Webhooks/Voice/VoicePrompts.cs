using TwilioFeedback.Resources;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>One thing heard on a call: a recording played, or a text spoken.</summary>
public sealed record Speech(string? PlayUrl, string? Text, string SayLanguage, string? Voice);

/// <summary>
/// How a text is heard in a language: its recording where one exists; else Twilio's speech for
/// English and French; else, for Duala, Basaa and Ewondo, the French text in French (logged).
/// </summary>
public sealed partial class VoicePrompts(PatientTexts texts, PromptCatalog catalog, VoiceOptions options, string baseUrl, ILogger logger)
{
    public async Task<Speech> SpeakAsync(string key, Language language, CancellationToken cancellationToken, params object[] args)
    {
        if (await catalog.HasRecordingAsync(language, key, cancellationToken))
        {
            return new Speech($"{baseUrl}/prompts/{language.Code()}/{key}", null, "", null);
        }
        if (language is not (Language.English or Language.French) && catalog.FirstTimeMissing(language, key))
        {
            LogFallback(logger, key, language.Code());
        }
        return Say(texts.Get(key, language is Language.English ? Language.English : Language.French, args), language);
    }

    /// <summary>A free text (a reminder staff wrote): spoken in English, or in French for every other language.</summary>
    public Speech Say(string text, Language language) => language is Language.English
        ? new Speech(null, text, "en-US", options.EnglishVoice)
        : new Speech(null, text, "fr-FR", options.FrenchVoice);

    public static void Add(VoiceResponse response, IEnumerable<Speech> speech)
    {
        foreach (var item in speech)
        {
            if (item.PlayUrl is not null)
            {
                response.Play(item.PlayUrl);
            }
            else
            {
                response.Say(item.Text!, item.SayLanguage, item.Voice);
            }
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "No {Language} recording for voice prompt {Key}: spoken in French instead")]
    private static partial void LogFallback(ILogger logger, string key, string language);
}
