using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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

    /// <summary>Saves a draft of <paramref name="key"/> in <paramref name="lang"/> with <paramref name="client"/>; its id.</summary>
    public static async Task<long> DraftAsync(HttpClient client, string lang, string key, string text)
    {
        var response = await client.PutAsJsonAsync($"/api/v1/studio/texts/{lang}/{key}", new { text });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{key}: {await response.Content.ReadAsStringAsync()}");
        var item = await response.Content.ReadFromJsonAsync<JsonElement>();
        return item.GetProperty("draft").GetProperty("id").GetInt64();
    }

    public static Task<HttpResponseMessage> ApproveAsync(HttpClient client, string lang, string key, long draftId) =>
        client.PostAsJsonAsync($"/api/v1/studio/texts/{lang}/{key}/approve", new { draft_id = draftId });

    /// <summary>Whether a language is offered only to preview numbers until an admin sets it live.</summary>
    public static bool NeedsPreview(Language language) => !LanguageOffer.AlwaysLive.Contains(language);

    /// <summary>The language menu as a patient gets it: English and French, or every language for a preview number.</summary>
    public static string Menu(PatientTexts texts, Language language, bool preview = false, string key = MessageKeys.LanguageMenu) =>
        texts.Menu(key, language, preview ? Languages.All : LanguageOffer.AlwaysLive);
}
