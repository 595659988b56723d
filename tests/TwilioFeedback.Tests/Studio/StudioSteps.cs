using System.Net;
using System.Net.Http.Json;
using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Tests.Studio;

/// <summary>Studio steps other tests need: a preview number, the menus patients see.</summary>
public static class StudioSteps
{
    /// <summary>Lists <paramref name="phones"/> as preview numbers (with an admin's client): they are offered every language.</summary>
    public static async Task PreviewAsync(HttpClient admin, params string[] phones)
    {
        var response = await admin.PutAsJsonAsync("/api/v1/studio/preview-numbers", phones.Select((p, i) => new { phone = p, name = $"Speaker {i + 1}" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Whether a language is offered only to preview numbers until an admin sets it live.</summary>
    public static bool NeedsPreview(Language language) => !LanguageOffer.AlwaysLive.Contains(language);

    /// <summary>The language menu as a patient gets it: English and French, or every language for a preview number.</summary>
    public static string Menu(PatientTexts texts, Language language, bool preview = false, string key = MessageKeys.LanguageMenu) =>
        texts.Menu(key, language, preview ? Languages.All : LanguageOffer.AlwaysLive);
}
