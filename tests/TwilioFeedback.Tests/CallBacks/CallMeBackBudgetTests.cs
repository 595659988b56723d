using System.Net;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.CallBacks;

/// <summary>Call me back with a per-number budget of two requests a minute and up to five call-backs a day.</summary>
public sealed class CallMeBackBudgetFactory : TwilioApiFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Voice:CallMeBack"] = "on";
            settings["Voice:CallMeBackPerDay"] = "5";
            settings["RateLimits:PatientPermitsPerMinute"] = "2";
            return settings;
        }
    }
}

/// <summary>A flash over the per-number budget is still rejected unanswered (the patient pays nothing), and asks for no call-back.</summary>
public sealed class CallMeBackBudgetTests(CallMeBackBudgetFactory factory) : IntegrationTest<CallMeBackBudgetFactory>(factory)
{
    private const string Phone = "+237677001790";
    private const string PlacedCall = "CA000000000000000000000000cb179001";

    [Fact]
    public async Task A_flash_over_the_per_number_budget_is_still_rejected_unanswered_and_not_called_back()
    {
        Factory.TwilioApi.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Calls.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody($"{{\"sid\":\"{PlacedCall}\",\"status\":\"queued\"}}"));

        // Two flashes within the budget: each rejected and called back (the first call-back done before the second flash).
        for (var flash = 1; flash <= 3; flash++)
        {
            var response = await Client.PostTwilioAsync("/twilio/voice",
                [new("CallSid", "CA" + Guid.NewGuid().ToString("N")), new("AccountSid", TwilioRequests.AccountSid), new("From", Phone),
                 new("To", TwilioRequests.HospitalNumber), new("CallStatus", "ringing"), new("Direction", "inbound")]);

            // The third is over the budget: still a 200 with nothing but the reject, never a 429 that Twilio might answer.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var reject = Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements());
            Assert.Equal(("Reject", "busy"), (reject.Name.LocalName, reject.Attribute("reason")?.Value));
            await Factory.DispatchCallBacksAsync();
            await using var db = Factory.Db();
            foreach (var placed in await db.CallBacks.AsNoTracking().Where(c => c.Status == CallBackStatus.Placed).ToListAsync())
            {
                // The patient answered: the next flash may be called back again.
                await Client.PostTwilioAsync($"/twilio/status/callback?id={placed.Id}",
                    [new("CallSid", PlacedCall), new("CallStatus", "completed"), new("Direction", "outbound-api"), new("From", TwilioRequests.HospitalNumber), new("To", Phone)]);
            }
        }

        await using var check = Factory.Db();
        Assert.Equal(2, await check.CallBacks.CountAsync());
        Assert.Equal(2, Factory.TwilioApi.LogEntries.Count(e => e.RequestMessage.Path.EndsWith("/Calls.json", StringComparison.Ordinal)));
    }
}
