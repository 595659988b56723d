using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Privacy;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.CallBacks;

/// <summary>
/// Call me back as a patient without airtime meets it: the flash is rejected unanswered, and the
/// hospital calls back with the voice survey, once a day, outside quiet hours, retried once.
/// </summary>
public sealed class CallMeBackTests(CallMeBackFactory factory) : IntegrationTest<CallMeBackFactory>(factory)
{
    private const string Phone = "+237677001700";
    private const string PlacedCall = "CA000000000000000000000000cb170001";

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private static string NewCallSid() => "CA" + Guid.NewGuid().ToString("N");

    private void TwilioPlacesCalls() =>
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($"{{\"sid\":\"{PlacedCall}\",\"status\":\"queued\"}}"));

    /// <summary>The calls the server asked Twilio to place, as form fields.</summary>
    private List<Dictionary<string, string>> PlacedCalls() => Factory.TwilioApi.LogEntries
        .Where(e => e.RequestMessage.Path.EndsWith("/Calls.json", StringComparison.Ordinal))
        .Select(e => QueryHelpers.ParseQuery(e.RequestMessage.Body).ToDictionary(p => p.Key, p => p.Value.ToString()))
        .ToList();

    private async Task SeedPatientAsync(string phone, string language, DateTimeOffset? optedOutAt = null)
    {
        await using var db = Factory.Db();
        var hasher = Factory.Services.GetRequiredService<PhoneHasher>();
        db.Patients.Add(new Patient
        {
            ExternalId = "PAT" + phone[^4..], Phone = phone, PhoneHash = hasher.Hash(phone), PreferredLanguage = language,
            OptedOutAt = optedOutAt, CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start,
        });
        await db.SaveChangesAsync();
    }

    /// <summary>A call coming in, as Twilio posts its first request; the TwiML answer.</summary>
    private async Task<XElement> FlashAsync(string from = Phone, string to = TwilioRequests.HospitalNumber)
    {
        var response = await Client.PostTwilioAsync("/twilio/voice",
            [new("CallSid", NewCallSid()), new("AccountSid", TwilioRequests.AccountSid), new("From", from), new("To", to),
             new("CallStatus", "ringing"), new("Direction", "inbound"), new("ApiVersion", "2010-04-01")]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    private async Task<HttpResponseMessage> CallStatusAsync(long id, string status) =>
        await Client.PostTwilioAsync($"/twilio/status/callback?id={id}",
            [new("CallSid", PlacedCall), new("CallStatus", status), new("Direction", "outbound-api"), new("From", TwilioRequests.HospitalNumber), new("To", Phone)]);

    private async Task<CallBack> CallBackAsync()
    {
        await using var db = Factory.Db();
        return await db.CallBacks.AsNoTracking().SingleAsync();
    }

    [Fact]
    public async Task A_flash_is_rejected_unanswered_and_called_back_with_the_voice_survey_in_the_patients_language()
    {
        TwilioPlacesCalls();
        await SeedPatientAsync(Phone, "fr");

        var answer = await FlashAsync();

        // Nothing but the reject: Twilio does not pick up, so the patient pays nothing.
        var reject = Assert.Single(answer.Elements());
        Assert.Equal(("Reject", "busy"), (reject.Name.LocalName, reject.Attribute("reason")?.Value));
        Assert.Empty(PlacedCalls()); // the call back is the dispatcher's
        await Factory.DispatchCallBacksAsync();

        var call = Assert.Single(PlacedCalls());
        var id = (await CallBackAsync()).Id;
        Assert.Equal(Phone, call["To"]);
        Assert.Equal(TwilioRequests.HospitalNumber, call["From"]);
        Assert.Equal($"{AppFactory.PublicBaseUrl}/twilio/voice/callback?id={id}", call["Url"]);
        Assert.Equal($"{AppFactory.PublicBaseUrl}/twilio/status/callback?id={id}", call["StatusCallback"]);
        Assert.Equal((CallBackStatus.Placed, PlacedCall, 1), ((await CallBackAsync()).Status, (await CallBackAsync()).ProviderId, (await CallBackAsync()).Calls));

        // Twilio fetches the URL it was given, signed, once the patient picks up: the survey, in French.
        var path = new Uri(call["Url"]).PathAndQuery;
        var outbound = (string Digits) => new List<KeyValuePair<string, string>>
        {
            new("CallSid", PlacedCall), new("From", TwilioRequests.HospitalNumber), new("To", Phone), new("CallStatus", "in-progress"),
            new("Direction", "outbound-api"), new("Digits", Digits),
        };
        var survey = XDocument.Parse(await (await Client.PostTwilioAsync(path, outbound(""))).Content.ReadAsStringAsync()).Root!;
        var gather = survey.Element("Gather")!;
        Assert.Equal(("fr-FR", Texts.Get("Voice_AskRating", Language.French)), (gather.Element("Say")!.Attribute("language")!.Value, gather.Element("Say")!.Value));
        Assert.Equal($"/twilio/voice/callback?id={id}&step=1", gather.Attribute("action")!.Value);

        // The patient's keypress is the patient's rating, not the hospital number's.
        var next = XDocument.Parse(await (await Client.PostTwilioAsync(gather.Attribute("action")!.Value, outbound("4"))).Content.ReadAsStringAsync()).Root!;
        Assert.Equal(Texts.Get("Voice_AskComment", Language.French), next.Element("Say")!.Value);
        await using (var db = Factory.Db())
        {
            var feedback = await db.Feedbacks.Include(f => f.Patient).SingleAsync();
            Assert.Equal((4, "voice", "PAT1700"), (feedback.Rating, feedback.Channel, feedback.Patient.ExternalId));
        }

        Assert.Equal(HttpStatusCode.OK, (await CallStatusAsync(id, "completed")).StatusCode);
        var listed = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/callbacks")).RootElement.GetProperty("items");
        var item = Assert.Single(listed.EnumerateArray());
        Assert.Equal((CallBackStatus.Answered, "completed", Phone, "rejected"),
            (item.GetProperty("status").GetString(), item.GetProperty("call_status").GetString(), item.GetProperty("phone_number").GetString(), item.GetProperty("trigger").GetString()));
    }

    [Fact]
    public async Task A_second_flash_the_same_day_is_rejected_but_not_called_back_again_and_the_next_day_it_is()
    {
        TwilioPlacesCalls();
        await FlashAsync();
        await Factory.DispatchCallBacksAsync();
        await CallStatusAsync((await CallBackAsync()).Id, "completed");

        Assert.Equal("Reject", Assert.Single((await FlashAsync()).Elements()).Name.LocalName);
        await Factory.DispatchCallBacksAsync();
        Assert.Single(PlacedCalls());

        Factory.Clock.Advance(TimeSpan.FromDays(1));
        await FlashAsync();
        await Factory.DispatchCallBacksAsync();
        Assert.Equal(2, PlacedCalls().Count);
    }

    [Fact]
    public async Task A_flash_in_quiet_hours_is_called_back_at_the_first_allowed_minute()
    {
        TwilioPlacesCalls();
        Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 21, 30, 0, TimeSpan.Zero)); // 22:30 in Douala

        await FlashAsync();
        await Factory.DispatchCallBacksAsync();
        Assert.Empty(PlacedCalls());
        var waiting = await CallBackAsync();
        Assert.Equal((CallBackStatus.Scheduled, new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero)), (waiting.Status, waiting.DueAt)); // 07:00 in Douala

        Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 5, 59, 0, TimeSpan.Zero));
        await Factory.DispatchCallBacksAsync();
        Assert.Empty(PlacedCalls());
        Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero));
        await Factory.DispatchCallBacksAsync();
        Assert.Equal(Phone, Assert.Single(PlacedCalls())["To"]);
    }

    [Fact]
    public async Task A_busy_call_back_is_retried_once_after_ten_minutes_and_then_fails()
    {
        TwilioPlacesCalls();
        await FlashAsync();
        await Factory.DispatchCallBacksAsync();
        var id = (await CallBackAsync()).Id;

        await CallStatusAsync(id, "busy");
        await CallStatusAsync(id, "busy"); // Twilio repeats itself: counted once
        Assert.Equal(CallBackStatus.Scheduled, (await CallBackAsync()).Status);
        Factory.Clock.Advance(TimeSpan.FromMinutes(9));
        await Factory.DispatchCallBacksAsync();
        Assert.Single(PlacedCalls());
        Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await Factory.DispatchCallBacksAsync();
        Assert.Equal(2, PlacedCalls().Count);

        await CallStatusAsync(id, "no-answer");
        var failed = await CallBackAsync();
        Assert.Equal((CallBackStatus.Failed, "no-answer", 2), (failed.Status, failed.CallStatus, failed.Calls));
        Factory.Clock.Advance(TimeSpan.FromHours(1));
        await Factory.DispatchCallBacksAsync();
        Assert.Equal(2, PlacedCalls().Count);
    }

    [Fact]
    public async Task A_missed_incoming_call_counts_and_an_opted_out_patient_still_gets_the_call_they_asked_for()
    {
        TwilioPlacesCalls();
        await SeedPatientAsync(Phone, "en", optedOutAt: AppFactory.Start.AddDays(-3));
        var missed = await Client.PostTwilioAsync("/twilio/status/call",
            [new("CallSid", NewCallSid()), new("CallStatus", "no-answer"), new("Direction", "inbound"), new("From", Phone), new("To", TwilioRequests.HospitalNumber)]);
        Assert.Equal(HttpStatusCode.OK, missed.StatusCode);

        await Factory.DispatchCallBacksAsync();

        Assert.Equal(Phone, Assert.Single(PlacedCalls())["To"]);
        Assert.Equal(("missed", CallBackStatus.Placed), ((await CallBackAsync()).Trigger, (await CallBackAsync()).Status));
    }

    [Fact]
    public async Task A_call_to_a_number_call_me_back_is_not_on_for_gets_the_survey_at_once()
    {
        var answer = await FlashAsync(to: "+237233999999");

        Assert.Equal("Gather", answer.Elements().First().Name.LocalName);
        await using var db = Factory.Db();
        Assert.False(await db.CallBacks.AnyAsync());
    }

    [Fact]
    public async Task Three_instances_on_one_database_place_each_call_back_once()
    {
        TwilioPlacesCalls();
        var phones = Enumerable.Range(0, 12).Select(i => $"+2376770018{i:D2}").ToList();
        foreach (var phone in phones)
        {
            await FlashAsync(phone);
        }
        await using var second = Factory.WithWebHostBuilder(_ => { });
        await using var third = Factory.WithWebHostBuilder(_ => { });

        await Task.WhenAll(new WebApplicationFactory<Program>[] { Factory, second, third }.Select(host => Task.Run(host.DispatchCallBacksAsync)));

        Assert.Equal(phones, PlacedCalls().Select(c => c["To"]).Order().ToList());
        await using var db = Factory.Db();
        Assert.All(await db.CallBacks.AsNoTracking().ToListAsync(), c => Assert.Equal((CallBackStatus.Placed, 1), (c.Status, c.Calls)));
    }

    [Fact]
    public async Task Erasing_the_patient_erases_their_call_backs()
    {
        await SeedPatientAsync(Phone, "fr");
        await FlashAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync("/api/v1/patients/PAT1700")).StatusCode);

        await using var db = Factory.Db();
        Assert.False(await db.CallBacks.AnyAsync());
    }

    [Fact]
    public async Task Finished_call_backs_are_purged_after_the_retention_and_one_still_on_its_way_is_kept()
    {
        TwilioPlacesCalls();
        await FlashAsync();
        await Factory.DispatchCallBacksAsync();
        await CallStatusAsync((await CallBackAsync()).Id, "completed");
        Factory.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 21, 30, 0, TimeSpan.Zero)); // quiet hours: this one waits for the morning
        await FlashAsync("+237677001701");

        async Task<List<string>> ListedAsync() => JsonDocument.Parse(await Client.GetStringAsync("/api/v1/callbacks")).RootElement.GetProperty("items")
            .EnumerateArray().Select(i => i.GetProperty("phone_number").GetString()!).ToList();
        async Task PurgeAsync()
        {
            using var scope = Factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RetentionJob>().PurgeAsync(CancellationToken.None);
        }

        Factory.Clock.SetUtcNow(AppFactory.Start.AddDays(89)); // Retention:CallBacksDays is 90
        await PurgeAsync();
        Assert.Equal(["+237677001701", Phone], await ListedAsync());

        Factory.Clock.SetUtcNow(AppFactory.Start.AddDays(90).AddMinutes(1));
        await PurgeAsync();
        Assert.Equal(["+237677001701"], await ListedAsync()); // the answered one is gone; the waiting one is still owed
    }
}
