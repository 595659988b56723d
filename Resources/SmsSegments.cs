namespace TwilioFeedback.Resources;

/// <summary>How an SMS text is encoded and how many billed parts it takes.</summary>
public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}

/// <summary>The cost of one SMS text: its encoding, length in encoding units, and parts.</summary>
public readonly record struct SmsCost(SmsEncoding Encoding, int Units, int Segments);

/// <summary>
/// Counts SMS segments as carriers bill them: GSM 03.38 (160 septets, 153 per part, extension
/// characters count twice) unless one character falls outside it, then UCS-2 (70 UTF-16 units,
/// 67 per part).
/// </summary>
public static class SmsSegments
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    private static readonly HashSet<char> BasicSet = [.. Basic];
    private static readonly HashSet<char> ExtensionSet = [.. Extension];

    public static SmsCost Count(string text)
    {
        var septets = 0;
        foreach (var c in text)
        {
            if (BasicSet.Contains(c))
            {
                septets++;
            }
            else if (ExtensionSet.Contains(c))
            {
                septets += 2;
            }
            else
            {
                var units = text.Length;
                return new SmsCost(SmsEncoding.Ucs2, units, units <= 70 ? 1 : (units + 66) / 67);
            }
        }
        return new SmsCost(SmsEncoding.Gsm7, septets, septets <= 160 ? 1 : (septets + 152) / 153);
    }
}
