using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Appointments;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// An appointment's notices (moved, cancelled) are studio texts like the other appointment templates: listed with their placeholders,
/// checked against them, used by patients once a second person approves them; a draft changes nothing. Seen at the Twilio stub.
/// </summary>
public sealed class StudioAppointmentNoticeTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private readonly HttpClient _writer = factory.ClientWith(AppFactory.Token("translator", "Translator A"));
    private readonly HttpClient _reviewer = factory.ClientWith(AppFactory.Token("translator", "Translator B"));

    private async Task<string> AppointmentAsync(string externalId, string phone)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/appointments", new
        {
            patient_id = "PAT" + externalId[4..], phone_number = phone, department = "Surgery", starts_at = "2026-11-27T10:00:00+01:00",
            external_id = externalId, language = "fr",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Moves, then cancels, the appointment; the notices the patient got.</summary>
    private async Task<List<string>> MoveThenCancelAsync(string externalId, string phone)
    {
        var id = await AppointmentAsync(externalId, phone);
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsJsonAsync($"/api/v1/appointments/{id}", new { starts_at = "2026-11-30T11:00:00+01:00" })).StatusCode);
        await Factory.DispatchAsync();
        Assert.Equal(HttpStatusCode.OK, (await Client.PatchAsJsonAsync($"/api/v1/appointments/{id}", new { status = "cancelled" })).StatusCode);
        await Factory.DispatchAsync();
        var to = QueryPhone(phone);
        return [.. Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == AppointmentSteps.MessagesPath && e.RequestMessage.Body!.Contains(to, StringComparison.Ordinal))
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(e.RequestMessage.Body)["Body"].ToString())];
    }

    private static string QueryPhone(string phone) => "To=" + Uri.EscapeDataString(phone);

    [Fact]
    public async Task The_moved_and_cancelled_notices_are_listed_in_the_studio_with_their_placeholders()
    {
        var items = await _writer.GetFromJsonAsync<JsonElement>("/api/v1/studio/texts/fr");

        foreach (var key in new[] { MessageKeys.AppointmentMoved, MessageKeys.AppointmentCancelled })
        {
            var item = items.EnumerateArray().Single(i => i.GetProperty("key").GetString() == key);
            Assert.Equal(["{date}", "{department}", "{time}"], item.GetProperty("placeholders").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal(["sms"], item.GetProperty("channels").EnumerateArray().Select(p => p.GetString()));
            Assert.StartsWith("Hôpital Général de Douala : votre rendez-vous ({department})", item.GetProperty("french").GetString());
        }
    }

    [Fact]
    public async Task A_notice_without_the_placeholders_of_the_English_text_is_refused_naming_them()
    {
        var response = await _writer.PutAsJsonAsync($"/api/v1/studio/texts/fr/{MessageKeys.AppointmentMoved}", new { text = "Votre rendez-vous est déplacé au {date}." });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The placeholders must be those of the English text: {date}, {department}, {time} (this text has {date}).", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Approved_notices_replace_the_built_in_ones_and_drafts_change_nothing()
    {
        Factory.TwilioAccepts();
        const string moved = "HGD : rendez-vous {department} déplacé au {date}, {time}.";
        const string cancelled = "HGD : rendez-vous {department} du {date} à {time} annulé. Appelez-nous.";
        var movedDraft = await StudioSteps.DraftAsync(_writer, "fr", MessageKeys.AppointmentMoved, moved);
        var cancelledDraft = await StudioSteps.DraftAsync(_writer, "fr", MessageKeys.AppointmentCancelled, cancelled);

        Assert.Equal(
            ["Hôpital Général de Douala : votre rendez-vous (Chirurgie) est déplacé au 30 novembre à 11:00.",
             "Hôpital Général de Douala : votre rendez-vous (Chirurgie) du 30 novembre à 11:00 est annulé. Appelez-nous pour en fixer un autre."],
            await MoveThenCancelAsync("HIS-1721", "+237677001721"));

        Assert.Equal(HttpStatusCode.OK, (await StudioSteps.ApproveAsync(_reviewer, "fr", MessageKeys.AppointmentMoved, movedDraft)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await StudioSteps.ApproveAsync(_reviewer, "fr", MessageKeys.AppointmentCancelled, cancelledDraft)).StatusCode);
        Assert.Equal(
            ["HGD : rendez-vous Chirurgie déplacé au 30 novembre, 11:00.", "HGD : rendez-vous Chirurgie du 30 novembre à 11:00 annulé. Appelez-nous."],
            await MoveThenCancelAsync("HIS-1722", "+237677001722"));
    }
}
