using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>Refuses a <c>Voice:CallMeBack</c> that is neither on, off nor a list of E.164 numbers, naming the setting.</summary>
public sealed class CallBackOptionsValidator : IValidateOptions<CallBackOptions>
{
    public ValidateOptionsResult Validate(string? name, CallBackOptions options)
    {
        try
        {
            _ = CallBackOptions.Numbers(options.CallMeBack);
            return ValidateOptionsResult.Success;
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail("Voice:CallMeBack must be off, on, or hospital numbers in E.164 (+237…) separated by commas.");
        }
    }
}
