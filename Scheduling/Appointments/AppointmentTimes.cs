using System.Globalization;
using System.Text.RegularExpressions;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>An appointment's time as written: ISO 8601 with an offset, or (where allowed, as in an import) without one, in hospital time.</summary>
public static partial class AppointmentTimes
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    /// <summary>The time in UTC, or null when it cannot be read (no offset where one is required).</summary>
    public static DateTimeOffset? Parse(string? value, TimeZoneInfo zone, bool localAllowed)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return null;
        }
        if ((text.EndsWith('Z') || Offset().IsMatch(text))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            return withOffset.ToUniversalTime();
        }
        if (localAllowed && DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        }
        return null;
    }

    [GeneratedRegex(@"[+-]\d{2}:?\d{2}$")]
    private static partial Regex Offset();
}
