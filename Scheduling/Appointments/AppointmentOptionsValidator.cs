using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>Refuses plans or an invite delay that cannot work, naming the setting.</summary>
public sealed class AppointmentOptionsValidator : IValidateOptions<AppointmentOptions>
{
    public ValidateOptionsResult Validate(string? name, AppointmentOptions options)
    {
        var failures = new List<string>();
        foreach (var (plan, steps) in options.Plans)
        {
            if (steps.Count == 0 || steps.Count > 10)
            {
                failures.Add($"Appointments:Plans:{plan} must have 1 to 10 steps.");
            }
            for (var i = 0; i < steps.Count; i++)
            {
                if (!steps[i].IsValid)
                {
                    failures.Add($"Appointments:Plans:{plan}:{i} must be DaysBefore (0 to 60) with At (hh:mm, hospital time), or Before (a positive time of at most 60 days).");
                }
            }
        }
        if (options.FeedbackInviteAfter <= TimeSpan.Zero || options.FeedbackInviteAfter > TimeSpan.FromHours(48))
        {
            failures.Add("Appointments:FeedbackInviteAfter must be more than 0 and at most 48 hours (02:00 is 2 hours).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
