using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Web.Studio;
using static TwilioFeedback.Tests.Studio.StudioSteps;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// The studio as its users meet it: translators write and review Duala, an admin sets it live, and
/// patients then get it on the real, signed webhooks — and not a moment before.
/// </summary>
public sealed class StudioTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Patient = "+237690000041";
    private const string Speaker = "+237690000042";

    private readonly HttpClient _translatorA = factory.ClientWith(AppFactory.Token("translator", "Translator A"));
    private readonly HttpClient _translatorB = factory.ClientWith(AppFactory.Token("translator", "Translator B"));

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    /// <summary>A Duala text for <paramref name="key"/>, keeping the English placeholders.</summary>
    private string DualaText(string key) =>
        string.Join(" ", ["Dua", key, .. Placeholders.Of(Texts.FromResources(key, Language.English)).Order(StringComparer.Ordinal)]);

    private async Task<string?> SendAsync(HttpClient client, string from, string body) =>
        (await (await client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(from, body))).MessagesAsync()).SingleOrDefault();

    /// <summary>A new patient writes, picks English (1) and is asked for the rating: that question's text.</summary>
    private async Task<string?> RatingQuestionAsync(HttpClient client, string phone)
    {
        await SendAsync(client, phone, "hi");
        return await SendAsync(client, phone, "1");
    }

    /// <summary>Translator A writes every Duala text SMS needs; translator B approves them.</summary>
    private async Task WriteAndApproveDualaForSmsAsync()
    {
        foreach (var key in StudioSettings.Required(TextChannels.Sms))
        {
            var draft = await DraftAsync(_translatorA, "dua", key, DualaText(key));
            Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_translatorB, "dua", key, draft)).StatusCode);
        }
    }

    [Fact]
    public async Task Duala_written_by_one_translator_and_approved_by_another_reaches_SMS_patients_once_an_admin_sets_it_live()
    {
        var own = await DraftAsync(_translatorA, "dua", MessageKeys.AskRating, DualaText(MessageKeys.AskRating));
        var refused = await ApproveAsync(_translatorA, "dua", MessageKeys.AskRating, own);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        await WriteAndApproveDualaForSmsAsync();
        await StudioSteps.PreviewAsync(Client, Speaker);

        // Approved but not live: patients are not offered Duala, and a Duala patient is answered in French.
        Assert.Equal(StudioSteps.Menu(Texts, Language.English), await SendAsync(Client, Patient, "hi"));
        Assert.Equal(Texts.Get(MessageKeys.LanguageMenuAgain, Language.English, PatientTexts.MenuLines([Language.English, Language.French]), "2"),
            await SendAsync(Client, Patient, "3"));
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.French), await SendAsync(Client, Patient, "2"));
        // A patient whose language is Duala (set by staff), starting afresh: French, Duala's fallback.
        await SetPreferredLanguageAsync(Patient, "dua");
        await Factory.ResetRedisAsync();
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.French), await SendAsync(Client, Patient, "Bonjour"));
        // A preview number is offered Duala, and gets the approved texts.
        Assert.Equal(Texts.Menu(MessageKeys.LanguageMenu, Language.English, Languages.All), await SendAsync(Client, Speaker, "hi"));
        Assert.Equal(DualaText(MessageKeys.AskRating), await SendAsync(Client, Speaker, "3"));

        var live = await Client.PutAsJsonAsync("/api/v1/studio/live/dua/sms", new { live = true });
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var sms = (await live.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "sms");
        Assert.True(sms.GetProperty("live").GetBoolean());

        const string newcomer = "+237690000043";
        Assert.Equal(Texts.Menu(MessageKeys.LanguageMenu, Language.English, [Language.English, Language.French, Language.Duala]), await SendAsync(Client, newcomer, "hi"));
        Assert.Equal(DualaText(MessageKeys.AskRating), await SendAsync(Client, newcomer, "3"));
        Assert.Equal(DualaText(MessageKeys.AskComment), await SendAsync(Client, newcomer, "4"));
        Assert.Equal(DualaText(MessageKeys.Thanks), await SendAsync(Client, newcomer, "Bon accueil"));
        await using var db = Factory.Db();
        Assert.Contains(await db.Feedbacks.Select(f => f.Language).ToListAsync(), l => l == "dua");
        Assert.Contains(await db.AuditEntries.Select(a => a.Action + " " + a.Actor + " " + a.Target).ToListAsync(),
            a => a == "studio-approve Translator B text dua/AskRating");
    }

    private async Task SetPreferredLanguageAsync(string phone, string language)
    {
        await using var db = Factory.Db();
        var hash = Factory.Services.GetRequiredService<TwilioFeedback.Persistence.Privacy.PhoneHasher>().Hash(phone);
        var id = await db.Patients.Where(p => p.PhoneHash == hash).Select(p => p.ExternalId).SingleAsync();
        var response = await Client.PutAsJsonAsync($"/api/v1/patients/{id}", new { preferred_language = language });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_edit_of_an_approved_text_is_a_draft_and_the_approved_one_serves_until_it_is_approved()
    {
        var first = await DraftAsync(_translatorA, "en", MessageKeys.AskRating, "Rate your care, 1 to 5.");
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_translatorB, "en", MessageKeys.AskRating, first)).StatusCode);
        var edit = await DraftAsync(_translatorB, "en", MessageKeys.AskRating, "How was your care? 1 to 5.");

        Assert.Equal("Rate your care, 1 to 5.", await RatingQuestionAsync(Client, Patient));
        var item = (await _translatorA.GetFromJsonAsync<JsonElement>("/api/v1/studio/texts/en")).EnumerateArray().Single(i => i.GetProperty("key").GetString() == MessageKeys.AskRating);
        Assert.Equal("Rate your care, 1 to 5.", item.GetProperty("approved").GetProperty("text").GetString());
        Assert.Equal(("Translator A", "Translator B"), (item.GetProperty("approved").GetProperty("author").GetString(), item.GetProperty("approved").GetProperty("reviewer").GetString()));
        Assert.Equal(edit, item.GetProperty("draft").GetProperty("id").GetInt64());

        // The first draft is no longer the latest: approving it now is a conflict.
        Assert.Equal(HttpStatusCode.Conflict, (await ApproveAsync(_translatorA, "en", MessageKeys.AskRating, first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_translatorA, "en", MessageKeys.AskRating, edit)).StatusCode);
        Assert.Equal("How was your care? 1 to 5.", await RatingQuestionAsync(Client, "+237690000044"));

        var history = await _translatorA.GetFromJsonAsync<JsonElement>($"/api/v1/studio/texts/en/{MessageKeys.AskRating}/history");
        Assert.Equal(["approved", "draft", "approved", "draft"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList());
        Assert.Equal("Translator A", history[0].GetProperty("by").GetString());
    }

    [Fact]
    public async Task Going_live_is_refused_while_a_text_is_unapproved_naming_it()
    {
        foreach (var key in StudioSettings.Required(TextChannels.Sms).Where(k => k != MessageKeys.Thanks))
        {
            var draft = await DraftAsync(_translatorA, "dua", key, DualaText(key));
            Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_translatorB, "dua", key, draft)).StatusCode);
        }
        await DraftAsync(_translatorA, "dua", MessageKeys.Thanks, DualaText(MessageKeys.Thanks));

        var refused = await Client.PutAsJsonAsync("/api/v1/studio/live/dua/sms", new { live = true });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([MessageKeys.Thanks], problem.GetProperty("keys").EnumerateArray().Select(k => k.GetString()).ToList());
        Assert.Equal(StudioSteps.Menu(Texts, Language.English), await SendAsync(Client, Patient, "hi"));
        var voice = await Client.PutAsJsonAsync("/api/v1/studio/live/dua/voice", new { live = true });
        Assert.Equal(HttpStatusCode.Conflict, voice.StatusCode);
        Assert.Contains("Voice_AskRating", (await voice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        var translator = await _translatorA.PutAsJsonAsync("/api/v1/studio/live/dua/sms", new { live = true });
        Assert.Equal(HttpStatusCode.Forbidden, translator.StatusCode);
    }

    [Theory]
    [InlineData("Thanks", "Merci {0}", "placeholders")]
    [InlineData("LanguageMenu", "Langue ?", "placeholders")]
    [InlineData("NoSuchText", "Merci", "not a patient-facing text")]
    [InlineData("Ussd_AskRating", "", "empty")]
    public async Task A_bad_draft_is_a_400_naming_the_problem_and_nothing_is_saved(string key, string text, string message)
    {
        var response = await _translatorA.PutAsJsonAsync($"/api/v1/studio/texts/dua/{key}", new { text });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
        await using var db = Factory.Db();
        Assert.Equal(0, await db.StudioTexts.CountAsync());
    }

    [Fact]
    public async Task A_text_over_the_SMS_or_USSD_limit_is_refused()
    {
        var sms = await _translatorA.PutAsJsonAsync("/api/v1/studio/texts/dua/Thanks", new { text = string.Concat(Enumerable.Repeat("Ɓàsàa ", 40)) });
        Assert.Equal(HttpStatusCode.BadRequest, sms.StatusCode);
        Assert.Contains("segments", await sms.Content.ReadAsStringAsync());
        var ussd = await _translatorA.PutAsJsonAsync("/api/v1/studio/texts/dua/Ussd_AskComment", new { text = new string('a', 183) });
        Assert.Equal(HttpStatusCode.BadRequest, ussd.StatusCode);
        Assert.Contains("at most 182", await ussd.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_USSD_text_of_182_characters_is_accepted_and_shown_whole_after_CON()
    {
        // The gateway's 182 characters are the screen after "CON ": the studio allows them all, and the patient gets them all.
        var text = string.Concat(Enumerable.Repeat("Ɓàsàa ", 29)) + "ɓɛɔŋ ŋɔɛ";
        Assert.Equal(182, text.Length);
        var items = await _translatorA.GetFromJsonAsync<JsonElement>("/api/v1/studio/texts/en");
        Assert.Equal(182, items.EnumerateArray().Single(i => i.GetProperty("key").GetString() == "Ussd_AskComment").GetProperty("limits").GetProperty("ussd_chars").GetInt32());
        var draft = await DraftAsync(_translatorA, "en", "Ussd_AskComment", text);
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_translatorB, "en", "Ussd_AskComment", draft)).StatusCode);

        var screen = TwilioFeedback.Webhooks.Ussd.UssdEndpoints.Render(new TwilioFeedback.Conversations.Reply([new TwilioFeedback.Conversations.Prompt("AskComment", [])], Language.English, TwilioFeedback.Conversations.QuestionKind.Comment), Texts);
        Assert.Equal("CON " + text, screen);
    }

    [Fact]
    public async Task Only_what_a_second_person_approved_is_shown_as_reviewed()
    {
        var draft = await DraftAsync(_translatorA, "dua", MessageKeys.Help, DualaText(MessageKeys.Help));
        await DraftAsync(_translatorA, "dua", MessageKeys.Thanks, DualaText(MessageKeys.Thanks));
        await ApproveAsync(_translatorB, "dua", MessageKeys.Help, draft);

        var items = (await _translatorA.GetFromJsonAsync<JsonElement>("/api/v1/studio/texts/dua")).EnumerateArray().ToList();

        // Every key is listed, parsing words included, each with its purpose.
        Assert.Equal(TextItems.All.Select(i => i.Key), items.Select(i => i.GetProperty("key").GetString()));
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("purpose").GetString())));
        var reviewed = items.Where(i => i.TryGetProperty("approved", out var a) && a.ValueKind == JsonValueKind.Object).ToList();
        var help = Assert.Single(reviewed);
        Assert.Equal(MessageKeys.Help, help.GetProperty("key").GetString());
        Assert.NotEqual(help.GetProperty("approved").GetProperty("author").GetString(), help.GetProperty("approved").GetProperty("reviewer").GetString());
        var languages = await _translatorA.GetFromJsonAsync<JsonElement>("/api/v1/studio/languages");
        var duala = languages.EnumerateArray().Single(l => l.GetProperty("code").GetString() == "dua");
        Assert.Equal("fr", duala.GetProperty("fallback").GetString());
        var coverage = duala.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "sms");
        Assert.Equal((2, 1, false), (coverage.GetProperty("written").GetInt32(), coverage.GetProperty("approved").GetInt32(), coverage.GetProperty("live").GetBoolean()));
        var voice = duala.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "voice");
        Assert.Equal(MessageKeys.Voice.Count, voice.GetProperty("recordings_missing").GetInt32());
    }

    [Fact]
    public async Task A_text_approved_on_one_instance_is_served_by_another_within_five_seconds()
    {
        await using var second = Factory.WithWebHostBuilder(_ => { });
        var other = second.CreateClient();
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.English), await RatingQuestionAsync(other, "+237690000050"));

        var draft = await DraftAsync(_translatorA, "en", MessageKeys.AskRating, "Rate us, 1 to 5.");
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_translatorB, "en", MessageKeys.AskRating, draft)).StatusCode);

        // Await what a patient of the other instance is told, each try a new patient.
        var watch = Stopwatch.StartNew();
        string? heard = null;
        for (var i = 1; heard != "Rate us, 1 to 5." && watch.Elapsed < TimeSpan.FromSeconds(5); i++)
        {
            heard = await RatingQuestionAsync(other, $"+23769000{i + 1000:D4}");
        }
        Assert.Equal("Rate us, 1 to 5.", heard);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"served after {watch.Elapsed}");
    }

    [Fact]
    public async Task Preview_numbers_are_the_admins_stored_encrypted_and_a_bad_one_is_named()
    {
        var bad = await Client.PutAsJsonAsync("/api/v1/studio/preview-numbers", new[] { new { phone = Speaker, name = "Ewane" }, new { phone = "not a phone", name = "X" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("[1].phone", await bad.Content.ReadAsStringAsync());

        await StudioSteps.PreviewAsync(Client, Speaker);

        Assert.Equal(Speaker, (await Client.GetFromJsonAsync<JsonElement>("/api/v1/studio/preview-numbers"))[0].GetProperty("phone").GetString());
        await using var connection = new Npgsql.NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var read = new Npgsql.NpgsqlCommand("SELECT phone FROM preview_numbers", connection);
        var stored = (string)(await read.ExecuteScalarAsync())!;
        Assert.StartsWith("enc1:", stored);
        Assert.DoesNotContain("690000042", stored);
    }
}
