using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Scheduling.CallBacks;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.CallBacks;

/// <summary>The server with call me back on for the hospital number of <see cref="TwilioRequests"/> (and only it), Twilio's API stubbed.</summary>
public sealed class CallMeBackFactory : TwilioApiFactory
{
    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Voice:CallMeBack"] = TwilioRequests.HospitalNumber;
            return settings;
        }
    }
}

public static class CallBackHosts
{
    /// <summary>Runs the call-back dispatcher once on <paramref name="host"/>, as its schedule would.</summary>
    public static async Task DispatchCallBacksAsync(this WebApplicationFactory<Program> host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CallBackDispatcher>().Invoke();
    }
}
