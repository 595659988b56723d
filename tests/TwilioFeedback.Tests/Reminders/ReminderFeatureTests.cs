using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Reminders;

/// <summary>Templates, confirmation replies, recurrence, feedback invites and races, end to end.</summary>
public sealed class ReminderFeatureTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Phone = "+237677000030";

    private string MessagesPath => $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private void TwilioAccepts() =>
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("{\"sid\":\"SM000000000000000000000000feed0001\",\"status\":\"queued\"}"));

    private List<Dictionary<string, string>> Sent() =>
        [.. Factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath)
            .Select(e => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(e.RequestMessage.Body).ToDictionary(p => p.Key, p => p.Value.ToString()))];

    private async Task<string?> ReplyAsync(string body)
    {
        var response = await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, body));
        return (await response.MessagesAsync()).SingleOrDefault();
    }

    [Theory]
    [InlineData("en", "Douala General Hospital: your appointment (Maternity) is on 2 December at 09:30.")]
    [InlineData("fr", "Hôpital Général de Douala : votre rendez-vous (Maternity) est le 2 December à 09:30.")]
    public async Task An_appointment_template_is_written_in_the_patients_language(string language, string expected)
    {
        TwilioAccepts();
        var response = await Client.PostAsync("/api/v1/reminders", new StringContent($$"""
            {"patient_id":"PAT30","language":"{{language}}","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}",
             "template":"appointment","parameters":{"department":"Maternity","date":"2 December","time":"09:30"} }
            """, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(expected, body.GetProperty("message").GetString());
        Assert.Equal(language == "fr" ? 2 : 1, body.GetProperty("sms_segments").GetInt32()); // ô makes French UCS-2

        await Factory.DispatchAsync();
        Assert.Equal(expected, Sent().Single()["Body"]);
    }

    [Fact]
    public async Task A_template_without_its_parameters_is_refused()
    {
        var response = await Client.PostAsync("/api/v1/reminders", new StringContent($$"""
            {"patient_id":"PAT30","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","template":"appointment","parameters":{"date":"2 December"} }
            """, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("department, time", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("1", ReminderStatus.Confirmed, MessageKeys.ReminderConfirmed)]
    [InlineData("oui", ReminderStatus.Confirmed, MessageKeys.ReminderConfirmed)]
    [InlineData("2", ReminderStatus.Declined, MessageKeys.ReminderDeclined)]
    [InlineData("tɛgɛ", ReminderStatus.Declined, MessageKeys.ReminderDeclined)]
    public async Task A_reply_to_a_reminder_awaiting_confirmation_goes_to_it_first(string reply, string status, string replyKey)
    {
        TwilioAccepts();
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT31","message":"Appointment tomorrow 9:00.","language":"fr","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","confirm":true}""");
        await Factory.DispatchAsync();
        Assert.Equal("Appointment tomorrow 9:00. " + Texts.Get(MessageKeys.ReminderConfirmPrompt, Language.French), Sent().Single()["Body"]);

        Assert.Equal(Texts.Get(replyKey, Language.French), await ReplyAsync(reply));

        var reminder = await Factory.ReminderAsync(id);
        Assert.Equal(status, reminder.Status);
        // Answered: the next "1" is an ordinary message again (the survey starts).
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.French), await ReplyAsync("Bonjour"));
        await using var db = Factory.Db();
        Assert.Equal(0, await db.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task A_reminder_sent_minutes_after_the_patient_wrote_takes_their_next_1()
    {
        TwilioAccepts();
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT40","message":"Lab on Monday.","language":"fr","scheduled_time":"{{Factory.Clock.GetUtcNow().AddMinutes(5):yyyy-MM-ddTHH:mm:sszzz}}","phone_number":"{{Phone}}","confirm":true}""");
        // The patient writes first: the copy conversations read is made, with no reminder waiting.
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.French), await ReplyAsync("Bonjour"));

        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await Factory.DispatchAsync();
        Assert.Single(Sent());

        // Within the copy's freshness, the 1 still goes to the reminder, not to the rating question.
        Assert.Equal(Texts.Get(MessageKeys.ReminderConfirmed, Language.French), await ReplyAsync("1"));
        Assert.Equal(ReminderStatus.Confirmed, (await Factory.ReminderAsync(id)).Status);
        await using var db = Factory.Db();
        Assert.Equal(0, await db.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task A_stale_copy_of_the_patient_never_turns_a_confirmation_into_a_rating()
    {
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT41","message":"Lab on Monday.","language":"fr","scheduled_time":"{{Factory.Clock.GetUtcNow().AddMinutes(5):yyyy-MM-ddTHH:mm:sszzz}}","phone_number":"{{Phone}}","confirm":true}""");
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.French), await ReplyAsync("Bonjour")); // the copy: nothing waiting
        // Sent by a dispatcher whose word to Redis was lost (a Redis hiccup, an older server): the copy still says nothing waits.
        await using (var db = Factory.Db())
        {
            var now = Factory.Clock.GetUtcNow();
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE reminders SET status = 'sent', sent_at = {now}, attempts = 1 WHERE id = {id}");
        }

        Assert.Equal(Texts.Get(MessageKeys.ReminderConfirmed, Language.French), await ReplyAsync("1"));
        Assert.Equal(ReminderStatus.Confirmed, (await Factory.ReminderAsync(id)).Status);
        await using var after = Factory.Db();
        Assert.Equal(0, await after.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task A_patient_Twilio_reports_unsubscribed_gets_no_survey_from_the_very_next_message()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("{\"code\":21610,\"message\":\"Attempt to send to unsubscribed recipient\",\"status\":400}"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT42","message":"Lab on Monday.","language":"fr","scheduled_time":"{{Factory.Clock.GetUtcNow().AddMinutes(5):yyyy-MM-ddTHH:mm:sszzz}}","phone_number":"{{Phone}}"}""");
        Assert.Equal(Texts.Get(MessageKeys.AskRating, Language.French), await ReplyAsync("Bonjour")); // the copy: not opted out

        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await Factory.DispatchAsync();
        Assert.Equal(ReminderStatus.Skipped, (await Factory.ReminderAsync(id)).Status);

        Assert.Null(await ReplyAsync("5"));
        await using var db = Factory.Db();
        Assert.Equal(0, await db.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task A_replayed_answer_answers_one_reminder_only()
    {
        TwilioAccepts();
        var older = await Client.CreateAsync($$"""{"patient_id":"PAT39","message":"Lab on Monday.","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","confirm":true}""");
        await Factory.DispatchAsync();
        Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var newer = await Client.CreateAsync($$"""{"patient_id":"PAT39","message":"Clinic on Tuesday.","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","confirm":true}""");
        await Factory.DispatchAsync();
        var answer = TwilioRequests.Message(Phone, "2");

        await Client.PostTwilioAsync("/twilio/sms", answer);
        await Factory.ResetRedisAsync(); // the remembered reply is gone (a Redis restart, a re-drained message)
        await Client.PostTwilioAsync("/twilio/sms", answer);

        Assert.Equal(ReminderStatus.Declined, (await Factory.ReminderAsync(newer)).Status);
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(older)).Status);
    }

    [Fact]
    public async Task A_late_delivery_callback_does_not_undo_a_confirmation()
    {
        TwilioAccepts();
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT32","message":"Come at 8.","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","confirm":true}""");
        await Factory.DispatchAsync();
        await ReplyAsync("1");
        await Client.PostTwilioAsync("/twilio/status/message", [new("MessageSid", "SM000000000000000000000000feed0001"), new("MessageStatus", "delivered")]);
        Assert.Equal(ReminderStatus.Confirmed, (await Factory.ReminderAsync(id)).Status);
    }

    [Fact]
    public async Task A_daily_recurrence_produces_one_reminder_a_day_each_sent_on_its_day()
    {
        TwilioAccepts();
        var response = await Client.PostAsync("/api/v1/reminders", new StringContent($$"""
            {"patient_id":"PAT33","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}",
             "template":"medication","parameters":{"medicine":"amoxicillin"},"recurrence":{"frequency":"daily","count":3} }
            """, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("occurrences").GetInt32());
        await using (var db = Factory.Db())
        {
            var times = await db.Reminders.OrderBy(r => r.ScheduledTime).Select(r => r.ScheduledTime).ToListAsync();
            Assert.Equal([AppFactory.Start, AppFactory.Start.AddDays(1), AppFactory.Start.AddDays(2)], times);
            Assert.Single(await db.Reminders.Select(r => r.SeriesId).Distinct().ToListAsync());
        }

        await Factory.DispatchAsync();
        Factory.Clock.Advance(TimeSpan.FromDays(1));
        await Factory.DispatchAsync();
        Assert.Equal(2, Sent().Count);
        Assert.Equal("Reminder: time to take amoxicillin.", Sent()[0]["Body"]);
    }

    [Fact]
    public async Task A_weekly_recurrence_until_a_date_stops_there()
    {
        var response = await Client.PostAsync("/api/v1/reminders", new StringContent($$"""
            {"patient_id":"PAT34","message":"Weekly check","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}",
             "recurrence":{"frequency":"weekly","until":"{{(AppFactory.Start.AddDays(20)).ToString("yyyy-MM-ddTHH:mm:sszzz")}}"} }
            """, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("occurrences").GetInt32());
    }

    [Fact]
    public async Task A_feedback_invite_opens_the_survey_with_the_patients_answer()
    {
        TwilioAccepts();
        await Client.CreateAsync($$"""{"patient_id":"PAT35","language":"fr","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","kind":"feedback_invite"}""");
        await Factory.DispatchAsync();
        Assert.Equal(Texts.Get("Template_FeedbackInvite", Language.French), Sent().Single()["Body"]);

        Assert.Equal(Texts.Get(MessageKeys.AskComment, Language.French), await ReplyAsync("5"));

        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.Include(f => f.Patient).SingleAsync();
        Assert.Equal((5, "PAT35"), (feedback.Rating, feedback.Patient.ExternalId));
    }

    [Fact]
    public async Task A_voice_reminder_calls_speaks_the_message_and_takes_the_confirmation_by_keypress()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("{\"sid\":\"CA000000000000000000000000ca110001\",\"status\":\"queued\"}"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT38","message":"Votre rendez-vous est demain à 9 heures.","language":"fr","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","channels":["voice"],"confirm":true}""");

        await Factory.DispatchAsync();

        var call = Factory.TwilioApi.LogEntries.Single(e => e.RequestMessage.Path.EndsWith("/Calls.json")).RequestMessage;
        var fields = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(call.Body);
        Assert.Equal(Phone, fields["To"].ToString());
        Assert.Equal($"{AppFactory.PublicBaseUrl}/twilio/voice/reminder?id={id}", fields["Url"].ToString());
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(id)).Status);

        // Twilio fetches the TwiML from the URL it was given, signed.
        var path = $"/twilio/voice/reminder?id={id}";
        var twiml = System.Xml.Linq.XDocument.Parse(await (await Client.PostTwilioAsync(path, [new("CallSid", "CA000000000000000000000000ca110001"), new("CallStatus", "in-progress")])).Content.ReadAsStringAsync()).Root!;
        var gather = twiml.Element("Gather")!;
        var said = gather.Elements("Say").Select(e => (e.Attribute("language")!.Value, e.Value)).ToList();
        Assert.Equal(("fr-FR", "Votre rendez-vous est demain à 9 heures."), said[0]);
        Assert.Equal(("fr-FR", Texts.Get(MessageKeys.VoiceReminderConfirm, Language.French)), said[1]);
        var action = gather.Attribute("action")!.Value;
        Assert.Equal($"/twilio/voice/reminder?id={id}&step=1", action);

        var answered = System.Xml.Linq.XDocument.Parse(await (await Client.PostTwilioAsync(action, [new("CallSid", "CA000000000000000000000000ca110001"), new("Digits", "1")])).Content.ReadAsStringAsync()).Root!;
        Assert.Equal(Texts.Get(MessageKeys.ReminderConfirmed, Language.French), answered.Element("Say")!.Value);
        Assert.Equal("Hangup", answered.Elements().Last().Name.LocalName);

        await Client.PostTwilioAsync("/twilio/status/call", [new("CallSid", "CA000000000000000000000000ca110001"), new("CallStatus", "completed")]);
        Assert.Equal(ReminderStatus.Confirmed, (await Factory.ReminderAsync(id)).Status);
    }

    [Fact]
    public async Task An_unanswered_reminder_call_is_marked_failed()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("{\"sid\":\"CA000000000000000000000000ca110002\",\"status\":\"queued\"}"));
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT39","message":"Hello","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","channels":["voice"]}""");
        await Factory.DispatchAsync();

        var callback = await Client.PostTwilioAsync("/twilio/status/call", [new("CallSid", "CA000000000000000000000000ca110002"), new("CallStatus", "no-answer")]);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);

        Assert.Equal(ReminderStatus.Failed, (await Factory.ReminderAsync(id)).Status);
    }

    [Fact]
    public async Task Reminders_are_listed_by_patient_and_status()
    {
        await Client.CreateAsync($$"""{"patient_id":"PAT40","message":"One","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}"}""");
        await Client.CreateAsync($$"""{"patient_id":"PAT41","message":"Two","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"+237677000041"}""");
        var page = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/reminders?patient_id=PAT41&status=scheduled")).RootElement;
        Assert.Equal(["Two"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task A_WhatsApp_reminder_goes_to_the_whatsapp_address()
    {
        TwilioAccepts();
        await Client.CreateAsync($$"""{"patient_id":"PAT36","message":"Hello","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}","channels":["whatsapp"]}""");
        await Factory.DispatchAsync();
        Assert.Equal("whatsapp:" + Phone, Sent().Single()["To"]);
    }

    [Fact]
    public async Task Cancelling_while_a_dispatcher_holds_the_reminder_gets_409_and_it_is_sent_once()
    {
        TwilioAccepts();
        var id = await Client.CreateAsync($$"""{"patient_id":"PAT37","message":"Race","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"{{Phone}}"}""");
        await using (var db = Factory.Db())
        {
            // A dispatcher on another instance has claimed it and is sending.
            await db.Reminders.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReminderStatus.Sending).SetProperty(r => r.LeaseUntil, AppFactory.Start.AddMinutes(2)));
        }

        Assert.Equal(HttpStatusCode.Conflict, (await Client.PostAsync($"/api/v1/reminders/{id}/cancel", null)).StatusCode);
        await Factory.DispatchAsync();
        Assert.Empty(Sent()); // the lease still holds: this dispatcher leaves it alone
        Factory.Clock.Advance(TimeSpan.FromMinutes(3));
        await Factory.DispatchAsync();   // the other instance died: its lease ran out, the reminder goes once
        await Factory.DispatchAsync();
        Assert.Single(Sent());
        Assert.Equal(ReminderStatus.Sent, (await Factory.ReminderAsync(id)).Status);
    }
}
