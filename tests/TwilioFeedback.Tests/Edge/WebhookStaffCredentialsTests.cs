using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Tests.Accounts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;

namespace TwilioFeedback.Tests.Edge;

/// <summary>
/// A webhook answers by its own check (the Twilio signature) and nothing else: a staff member's token sent with
/// one is not read, so it is not recorded as used (as the README says), and the patient gets the usual answer.
/// </summary>
public sealed class WebhookStaffCredentialsTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    [Fact]
    public async Task A_staff_token_sent_with_a_signed_webhook_is_not_read()
    {
        var nurse = await Staff.CreateAsync(Factory.Services, "nurse@hospital.cm", "staff");
        var token = await Staff.TokenAsync(Factory.Services, nurse.Id, Factory.Clock.GetUtcNow());

        var response = await Factory.ClientWith(token).PostTwilioAsync("/twilio/sms", TwilioRequests.Message("+237690000551", "Hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var texts = Factory.Services.GetRequiredService<PatientTexts>();
        Assert.Equal(StudioSteps.Menu(texts, Language.English, preview: false), (await response.MessagesAsync()).Single());
        await using var db = Factory.Db();
        Assert.Null((await db.PersonalAccessTokens.SingleAsync()).LastUsedAt);
        // The same token on the API is read, and its use recorded: the check above is not blind.
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientWith(token).GetAsync("/api/v1/feedback")).StatusCode);
        db.ChangeTracker.Clear();
        Assert.Equal(Factory.Clock.GetUtcNow(), (await db.PersonalAccessTokens.SingleAsync()).LastUsedAt);
    }
}
