namespace TwilioFeedback.Persistence.Privacy;

/// <summary>Masks patient data for logs: <c>+2376••••••12</c>.</summary>
public static partial class Mask
{
    /// <summary>A provider's free text with phone numbers and emails masked (e.g. "The 'To' number +237… is not valid").</summary>
    public static string? Scrub(string? text) => text is null ? null
        : PhoneLike().Replace(EmailLike().Replace(text, m => "•••" + m.Value[m.Value.IndexOf('@')..]), m => Phone(m.Value));

    [System.Text.RegularExpressions.GeneratedRegex(@"\+?\d[\d \-]{6,}\d")]
    private static partial System.Text.RegularExpressions.Regex PhoneLike();

    [System.Text.RegularExpressions.GeneratedRegex(@"[^\s@'""<>]+@[^\s@'""<>]+")]
    private static partial System.Text.RegularExpressions.Regex EmailLike();

    public static string Phone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "";
        }
        var keep = Math.Clamp(phone.Length / 2 - 1, 0, 5);
        var tail = phone.Length > 8 ? 2 : 0;
        return string.Concat(phone.AsSpan(0, keep), new string('•', phone.Length - keep - tail), phone.AsSpan(phone.Length - tail));
    }
}
