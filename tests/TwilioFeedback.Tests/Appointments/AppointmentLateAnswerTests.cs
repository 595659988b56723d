using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>
/// A late 1 or 2 to a reminder of a visit already attended, missed or cancelled leaves the visit as it is, and the patient is told
/// the truth (<see cref="MessageKeys.ReminderVisitClosed"/>), not "confirmed": by SMS, WhatsApp and the keypad of a reminder call.
/// </summary>
public sealed class AppointmentLateAnswerTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string PlacedCall = "CA00000000000000000000000000ace171";

    // The clock starts on Tuesday 24 November, 10:00 in Douala; the visit is on Friday 27th at 10:00, its first reminder on Tuesday at 18:00.
    private static readonly DateTimeOffset TuesdaySix = new(2026, 11, 24, 18, 0, 0, AppointmentSteps.Douala);
    private static readonly DateTimeOffset FridayTen = new(2026, 11, 27, 10, 0, 0, AppointmentSteps.Douala);

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    /// <summary>An appointment whose first reminder went out (and only it: the clock then moves without the dispatcher), then marked <paramref name="status"/>.</summary>
    private async Task<string> ClosedVisitAsync(string phone, string language, string status, string? channel = null)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/appointments", new
        {
            patient_id = "PAT" + phone[^4..], phone_number = phone, department = "Surgery", starts_at = "2026-11-27T10:00:00+01:00",
            external_id = "HIS-" + phone[^4..], language, channel,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Factory.Clock.Advance(TuesdaySix - Factory.Clock.GetUtcNow());
        await Factory.DispatchAsync();
        if (status != AppointmentStatus.Cancelled)
        {
            Factory.Clock.Advance(FridayTen.AddMinutes(30) - Factory.Clock.GetUtcNow()); // the visit has started: it can be marked
        }
        var marked = await Client.PatchAsJsonAsync($"/api/v1/appointments/{id}", new { status });
        Assert.True(marked.StatusCode == HttpStatusCode.OK, await marked.Content.ReadAsStringAsync());
        return id;
    }

    public static TheoryData<string, string, string, string> Late() => new()
    {
        // status, answer, language, from (a WhatsApp reply comes as whatsapp:+237…)
        { AppointmentStatus.Attended, "1", "en", "+237677001711" },
        { AppointmentStatus.NoShow, "1", "fr", "+237677001712" },
        { AppointmentStatus.Cancelled, "2", "en", "whatsapp:+237677001713" },
        { AppointmentStatus.NoShow, "2", "fr", "whatsapp:+237677001714" },
    };

    [Theory]
    [MemberData(nameof(Late))]
    public async Task A_late_answer_to_a_reminder_of_a_closed_visit_is_told_the_visit_is_no_longer_open_and_the_visit_stays_as_it_was(
        string status, string answer, string language, string from)
    {
        Factory.TwilioAccepts();
        var phone = from.Replace("whatsapp:", "", StringComparison.Ordinal);
        var id = await ClosedVisitAsync(phone, language, status);
        var reminder = (await Factory.RemindersOfAsync(Guid.Parse(id))).Single(r => r.SentAt is not null);

        var reply = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(from, answer));

        var text = Assert.Single(await reply.MessagesAsync());
        Assert.Equal(Texts.Get(MessageKeys.ReminderVisitClosed, Languages.FromCode(language)!.Value), text);
        Assert.Equal(status, (await Factory.AppointmentAsync(Guid.Parse(id))).Status);
        // The answer is still kept on the reminder (staff see the patient answered); it changed nothing else.
        Assert.Equal(answer == "1" ? ReminderStatus.Confirmed : ReminderStatus.Declined, (await Factory.ReminderAsync(reminder.Id)).Status);
    }

    [Fact]
    public void The_answer_for_a_closed_visit_is_one_GSM_7_segment_in_English_and_in_French()
    {
        var english = Texts.Get(MessageKeys.ReminderVisitClosed, Language.English);
        var french = Texts.Get(MessageKeys.ReminderVisitClosed, Language.French);

        Assert.Equal("This appointment is no longer open, so your reply changes nothing. To book a new one, please call us.", english);
        Assert.Equal("Ce rendez-vous n'est plus ouvert, votre réponse n'y change donc rien. Pour un nouveau rendez-vous, appelez-nous.", french);
        Assert.Equal((SmsEncoding.Gsm7, 1), (SmsSegments.Count(english).Encoding, SmsSegments.Count(english).Segments));
        Assert.Equal((SmsEncoding.Gsm7, 1), (SmsSegments.Count(french).Encoding, SmsSegments.Count(french).Segments));
        // Duala has no translation yet: the French text stands in (marked as a placeholder in Messages.dua.resx).
        Assert.Equal(french, Texts.Get(MessageKeys.ReminderVisitClosed, Language.Duala));
    }

    [Fact]
    public async Task An_open_visit_still_gets_confirmed_and_a_second_answer_after_it_was_declined_is_told_it_is_no_longer_open()
    {
        Factory.TwilioAccepts();
        const string phone = "+237677001715";
        var response = await Client.PostAsJsonAsync("/api/v1/appointments", new
        {
            patient_id = "PAT1715", phone_number = phone, department = "Surgery", starts_at = "2026-11-27T10:00:00+01:00", external_id = "HIS-1715", language = "en",
        });
        var id = Guid.Parse((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        Factory.Clock.Advance(TuesdaySix - Factory.Clock.GetUtcNow());
        await Factory.DispatchAsync();
        Factory.Clock.Advance(TimeSpan.FromDays(2)); // Thursday 18:00: the day-before reminder goes too
        await Factory.DispatchAsync();
        Assert.Equal(2, Factory.Sms().Count);

        var first = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(phone, "2"));
        Assert.Equal(Texts.Get(MessageKeys.ReminderDeclined, Language.English), Assert.Single(await first.MessagesAsync()));
        Assert.Equal(AppointmentStatus.Declined, (await Factory.AppointmentAsync(id)).Status);

        // The Tuesday reminder still waits for an answer, but its visit is declined now: a 1 does not bring it back.
        var second = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(phone, "1"));
        Assert.Equal(Texts.Get(MessageKeys.ReminderVisitClosed, Language.English), Assert.Single(await second.MessagesAsync()));
        Assert.Equal(AppointmentStatus.Declined, (await Factory.AppointmentAsync(id)).Status);
    }

    [Fact]
    public async Task A_keypad_answer_on_a_reminder_call_of_a_visit_marked_no_show_is_told_it_is_no_longer_open()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($"{{\"sid\":\"{PlacedCall}\",\"status\":\"queued\"}}"));
        var id = await ClosedVisitAsync("+237677001716", "fr", AppointmentStatus.NoShow, channel: "voice");
        var reminder = (await Factory.RemindersOfAsync(Guid.Parse(id))).Single(r => r.SentAt is not null);
        Assert.Equal(PlacedCall, reminder.ProviderId);

        var response = await Client.PostTwilioAsync($"/twilio/voice/reminder?id={reminder.Id}&step=1", [new("CallSid", PlacedCall), new("Digits", "1")]);

        var twiml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        var said = twiml.Element("Say")!;
        Assert.Equal(Texts.Get(MessageKeys.ReminderVisitClosed, Language.French), said.Value);
        Assert.Equal("fr-FR", said.Attribute("language")!.Value);
        Assert.Equal(AppointmentStatus.NoShow, (await Factory.AppointmentAsync(Guid.Parse(id))).Status);
    }
}
