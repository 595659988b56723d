using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Resources;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Tests.Sms;

/// <summary>
/// A new number's first message while another writer is creating the same patient: the message's
/// INSERT waits on the unique phone hash, does nothing, and the message goes on with the other writer's row.
/// </summary>
public sealed class FirstMessageRaceTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Phone = "+237690000777";

    [Fact]
    public async Task A_first_message_racing_another_writer_of_the_same_patient_joins_that_patient()
    {
        var hash = Factory.Services.GetRequiredService<PhoneHasher>().Hash(PatientDirectory.Normalize(Phone));
        await using var other = Factory.Db();
        await using var transaction = await other.Database.BeginTransactionAsync();
        other.Add(new Patient { ExternalId = "PAT-RACE-777", PhoneHash = hash, CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start });
        await other.SaveChangesAsync();

        var message = Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "Hello"));
        await LockWaits.UntilBlockedAsync(Factory, message, "%INSERT INTO patients%");
        await transaction.CommitAsync();
        var response = await message;

        var texts = Factory.Services.GetRequiredService<PatientTexts>();
        Assert.Equal(StudioSteps.Menu(texts, Language.English, preview: false), (await response.MessagesAsync()).Single());
        await using var db = Factory.Db();
        var patient = await db.Patients.SingleAsync();
        Assert.Equal("PAT-RACE-777", patient.ExternalId);
        // The conversation is the other writer's patient's: its language pick lands on that row.
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(Phone, "2"));
        db.ChangeTracker.Clear();
        Assert.Equal("fr", (await db.Patients.SingleAsync()).PreferredLanguage);
    }
}
