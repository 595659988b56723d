using MimeKit;

namespace TwilioFeedback.Scheduling.Email;

/// <summary>
/// The one email address syntax of the server: the senders' own parser (MimeKit), exactly one mailbox
/// (no list, no group), a domain with a dot, at most 254 characters. What the API accepts can be sent.
/// </summary>
public static class EmailAddresses
{
    public const int MaxLength = 254;

    /// <summary>The bare address (<c>a@b.example</c>) when <paramref name="value"/> is one mailbox, else false.</summary>
    public static bool TryParse(string? value, out string address)
    {
        address = "";
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength
            || !InternetAddressList.TryParse(ParserOptions.Default, text, out var list)
            || list is not [MailboxAddress { Route.Count: 0 } mailbox])
        {
            return false;
        }
        var at = mailbox.Address.LastIndexOf('@');
        var domain = at > 0 ? mailbox.Address[(at + 1)..] : "";
        if (domain.Length == 0 || !domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.') || mailbox.Address.Length > MaxLength)
        {
            return false;
        }
        address = mailbox.Address;
        return true;
    }

    /// <summary>True when <paramref name="value"/> is one mailbox (<see cref="TryParse"/>).</summary>
    public static bool IsValid(string? value) => TryParse(value, out _);
}
