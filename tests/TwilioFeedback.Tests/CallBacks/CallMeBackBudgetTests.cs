using System.Net;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;

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

    [Fact]
    public async Task A_flash_over_the_per_number_budget_is_still_rejected_unanswered_and_not_called_back()
    {
        for (var flash = 1; flash <= 3; flash++)
        {
            var response = await Client.PostTwilioAsync("/twilio/voice",
                [new("CallSid", "CA" + Guid.NewGuid().ToString("N")), new("AccountSid", TwilioRequests.AccountSid), new("From", Phone),
                 new("To", TwilioRequests.HospitalNumber), new("CallStatus", "ringing"), new("Direction", "inbound")]);

            // The third is over the budget of two: still a 200 with nothing but the reject, never a 429 that Twilio might answer.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var reject = Assert.Single(XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements());
            Assert.Equal(("Reject", "busy"), (reject.Name.LocalName, reject.Attribute("reason")?.Value));
            // The call-back was made and answered (CallMeBackTests place them): the next flash may ask for another.
            await using var db = Factory.Db();
            await db.CallBacks.ExecuteUpdateAsync(c => c.SetProperty(x => x.Status, CallBackStatus.Answered));
        }

        // Within the budget each flash asked for a call-back; the one over it did not.
        await using var check = Factory.Db();
        Assert.Equal(2, await check.CallBacks.CountAsync());
    }
}
