using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;

namespace TwilioFeedback.Tests.Sms;

/// <summary>
/// A conversation reads the patient (language, opt-out, waiting reminder) from a copy in Redis instead of
/// PostgreSQL on every message: what this server changes is heard at once, a change made behind its
/// back at the latest after <c>PendingEffects:PatientCacheFreshFor</c> (10 minutes).
/// </summary>
public sealed class PatientCopyTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Patient = "+237690000011";

    private string Text(string key, Language language) => Factory.Services.GetRequiredService<PatientTexts>().Get(key, language);

    private async Task<string?> SendAsync(string body, bool whatsApp = false)
    {
        var response = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(whatsApp ? "whatsapp:" + Patient : Patient, body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.MessagesAsync()).SingleOrDefault();
    }

    /// <summary>
    /// A finished French conversation by SMS: the patient is known, with French as their language. (The
    /// finished conversation stays open a day for a late comment; a new one starts on WhatsApp.)
    /// </summary>
    private async Task<string> FrenchPatientAsync()
    {
        Assert.Equal(StudioSteps.Menu(Factory.Services.GetRequiredService<PatientTexts>(), Language.English), await SendAsync("hello"));
        await SendAsync("2");
        await SendAsync("5");
        Assert.Equal(Text(MessageKeys.Thanks, Language.French), await SendAsync("0"));
        await using var db = Factory.Db();
        return await db.Patients.Select(p => p.ExternalId).SingleAsync();
    }

    private async Task<HttpStatusCode> PutAsync(string patientId, string json)
    {
        using var nurse = Factory.ClientWith(AppFactory.Token("staff"));
        var response = await nurse.PutAsync($"/api/v1/patients/{patientId}", new StringContent(json, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    [Fact]
    public async Task The_language_a_patient_picks_is_kept_in_the_copy_at_once()
    {
        await FrenchPatientAsync();

        // The copy was made at the first message (no language yet) and follows the pick: no language menu.
        Assert.Equal(Text(MessageKeys.AskRating, Language.French), await SendAsync("Bonjour", whatsApp: true));
    }

    [Fact]
    public async Task A_change_made_behind_the_servers_back_is_heard_once_the_copy_is_no_longer_fresh()
    {
        await FrenchPatientAsync();
        await using (var db = Factory.Db())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE patients SET opted_out_at = now()");
        }

        // Within the copy's 10 minutes the server answers from the copy, without asking PostgreSQL…
        Assert.Equal(Text(MessageKeys.AskRating, Language.French), await SendAsync("Bonjour", whatsApp: true));

        // …after them, PostgreSQL is asked again: the patient has opted out and gets nothing.
        Factory.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Null(await SendAsync("4", whatsApp: true));
        await using var after = Factory.Db();
        Assert.Equal(1, await after.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task A_language_set_by_staff_is_heard_by_the_very_next_message()
    {
        var patientId = await FrenchPatientAsync();

        Assert.Equal(HttpStatusCode.OK, await PutAsync(patientId, """{"preferred_language":"english"}"""));

        Assert.Equal(Text(MessageKeys.AskRating, Language.English), await SendAsync("Bonjour", whatsApp: true));
    }

    [Fact]
    public async Task A_patient_opted_out_by_staff_gets_no_answer_from_the_very_next_message()
    {
        var patientId = await FrenchPatientAsync();

        Assert.Equal(HttpStatusCode.OK, await PutAsync(patientId, """{"opted_out":true}"""));

        Assert.Null(await SendAsync("Bonjour", whatsApp: true));
        Assert.Null(await SendAsync("C'était bien"));
        await using var db = Factory.Db();
        Assert.Null(await db.Feedbacks.Select(f => f.Content).SingleAsync());
    }
}
