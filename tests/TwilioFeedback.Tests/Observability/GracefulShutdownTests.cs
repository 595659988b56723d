using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace TwilioFeedback.Tests.Observability;

/// <summary>Its own host: the test stops it (the test host then shuts down for good), which no other test could share.</summary>
public sealed class StoppingFactory : TwilioApiFactory;

public sealed class GracefulShutdownTests(StoppingFactory factory) : IntegrationTest<StoppingFactory>(factory)
{
    private static readonly string MessagesPath = $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    [Fact]
    public async Task A_stopping_instance_finishes_the_reminder_it_is_sending_and_hands_back_the_rest_of_its_batch()
    {
        var lifetime = Factory.Services.GetRequiredService<IHostApplicationLifetime>();
        // The stop is asked for while Twilio is answering the first send of the batch.
        Factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost()).RespondWith(Response.Create().WithCallback(_ =>
        {
            lifetime.StopApplication();
            var answer = new ResponseMessage
            {
                StatusCode = 201,
                BodyData = new BodyData { BodyAsString = """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}""", DetectedBodyType = BodyType.String },
            };
            answer.AddHeader("Content-Type", "application/json");
            return answer;
        }));
        var ids = new List<long>();
        foreach (var n in new[] { 1, 2, 3 })
        {
            ids.Add(await Client.CreateAsync($$"""{"patient_id":"PAT7{{n}}","message":"Appointment tomorrow","language":"en","scheduled_time":"{{Factory.Now()}}","phone_number":"+23767700007{{n}}"}"""));
        }

        await Factory.DispatchAsync();

        // The host has stopped (and let go of its services): read the rows straight from the database.
        await using var db = new FeedbackDbContext(new DbContextOptionsBuilder<FeedbackDbContext>()
            .UseNpgsql(Factory.ConnectionString).UseSnakeCaseNamingConvention()
            .UseDataCipher(new DataCipher(Microsoft.Extensions.Options.Options.Create(new SecurityOptions { SecretKey = AppFactory.SecretKey }))).Options);
        var reminders = await db.Reminders.AsNoTracking().Include(r => r.DeliveryAttempts).Where(r => ids.Contains(r.Id)).ToListAsync();
        Assert.Single(Factory.TwilioApi.LogEntries); // one send began, and it was finished
        var sent = Assert.Single(reminders, r => r.Status == ReminderStatus.Sent);
        Assert.Equal("SM0123456789abcdef0123456789abcdef", sent.ProviderId);
        var handedBack = reminders.Where(r => r != sent).ToList();
        Assert.Equal(2, handedBack.Count);
        Assert.All(handedBack, r =>
        {
            Assert.Equal(ReminderStatus.Scheduled, r.Status);
            Assert.Null(r.LeaseUntil); // another instance takes it at once, not after the lease
            Assert.Equal(0, r.Attempts);
            Assert.Empty(r.DeliveryAttempts);
        });
    }
}
