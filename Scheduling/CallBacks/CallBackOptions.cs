using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Scheduling.CallBacks;

/// <summary>
/// Call me back (<c>Voice:CallMeBack…</c>): which hospital numbers answer a call by rejecting it and
/// calling the patient back, how often a number may be called back a day, and when a failed one is retried.
/// </summary>
public sealed class CallBackOptions
{
    public const string Section = "Voice";

    /// <summary>Off (empty, <c>off</c>, <c>false</c>), on for every hospital number (<c>on</c>, <c>true</c>), or the E.164 numbers it is on for, comma-separated.</summary>
    public string? CallMeBack { get; set; }

    [Range(1, 20, ErrorMessage = "Voice:CallMeBackPerDay must be from 1 to 20.")]
    public int CallMeBackPerDay { get; set; } = 1;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00", ErrorMessage = "Voice:CallMeBackRetryAfter must be from 1 minute to 1 day.")]
    public TimeSpan CallMeBackRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Calls placed for one call-back at most: the first and one retry.</summary>
    public const int MaxCalls = 2;

    /// <summary>Whether call me back is on for any hospital number.</summary>
    public bool IsOn => Numbers(CallMeBack) is not null;

    /// <summary>Whether a call to <paramref name="hospitalNumber"/> is answered by a call back.</summary>
    public bool AppliesTo(string hospitalNumber) => Numbers(CallMeBack) switch
    {
        null => false,
        [] => true,
        var numbers => numbers.Contains(hospitalNumber.Trim(), StringComparer.Ordinal),
    };

    /// <summary>Null when off, empty when on for every number, else the numbers; throws <see cref="FormatException"/> for anything else.</summary>
    internal static string[]? Numbers(string? setting)
    {
        var value = setting?.Trim() ?? "";
        if (value.Length == 0 || value.Equals("off", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        if (value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }
        var numbers = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return numbers.Length > 0 && numbers.All(IsE164) ? numbers : throw new FormatException();
    }

    /// <summary>Whether <paramref name="number"/> is a whole E.164 number (+ and 7 to 15 digits).</summary>
    public static bool IsE164(string number) => number.Length is >= 8 and <= 16 && number[0] == '+' && number.Skip(1).All(char.IsAsciiDigit);
}
