using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>Shared steps of the appointment tests: the service in a scope of its own, the Twilio stub's messages, the rows.</summary>
public static class AppointmentSteps
{
    public const string MessagesPath = $"/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages.json";

    /// <summary>Douala is UTC+1 all year.</summary>
    public static readonly TimeSpan Douala = TimeSpan.FromHours(1);

    public static void TwilioAccepts(this TwilioApiFactory factory) =>
        factory.TwilioApi.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("{\"sid\":\"SM000000000000000000000000a0b10001\",\"status\":\"queued\"}"));

    /// <summary>The bodies of the SMS the stub received, in order.</summary>
    public static List<string> Sms(this TwilioApiFactory factory) =>
        [.. factory.TwilioApi.LogEntries.Where(e => e.RequestMessage.Path == MessagesPath && e.RequestMessage.Method == "POST")
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => QueryHelpers.ParseQuery(e.RequestMessage.Body)["Body"].ToString())];

    public static async Task<AppointmentUpsertResult> UpsertAsync(this AppFactory factory, AppointmentRequest request)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppointmentService>().UpsertAsync(request, CancellationToken.None);
    }

    public static async Task<AppointmentUpsertResult> CancelAppointmentAsync(this AppFactory factory, string externalId)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AppointmentService>().CancelAsync(externalId, CancellationToken.None);
    }

    /// <summary>The appointment's reminders, by time.</summary>
    public static async Task<List<Reminder>> RemindersOfAsync(this AppFactory factory, Guid appointmentId)
    {
        await using var db = factory.Db();
        return await db.Reminders.AsNoTracking().Where(r => r.AppointmentId == appointmentId).OrderBy(r => r.ScheduledTime).ThenBy(r => r.Id).ToListAsync();
    }

    public static async Task<Appointment> AppointmentAsync(this AppFactory factory, Guid id)
    {
        await using var db = factory.Db();
        return await db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id);
    }
}
