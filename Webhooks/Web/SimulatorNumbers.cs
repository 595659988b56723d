namespace TwilioFeedback.Webhooks.Web;

/// <summary>
/// The numbers the simulator may speak for (<c>Simulator:TestNumbers</c>, prefixes): never a real
/// patient's, so it cannot answer their reminder, opt them out or spend their budget.
/// </summary>
public static class SimulatorNumbers
{
    /// <summary>
    /// +237 0000…: Cameroon numbers begin with 2, 3 or 6 after the country code, so no patient can
    /// have one (a test checks every number of the range with libphonenumber).
    /// </summary>
    public const string DefaultPrefix = "+2370000";

    /// <summary>How many numbers of each range the page offers.</summary>
    private const int Offered = 3;

    public static IReadOnlyList<string> Prefixes(SimulatorOptions options) =>
        options.TestNumbers is { Length: > 0 } configured ? configured : [DefaultPrefix];

    /// <summary>Whether <paramref name="number"/> (E.164) is one the simulator may use.</summary>
    public static bool IsReserved(SimulatorOptions options, string number) =>
        Prefixes(options).Any(prefix => number.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>A few whole numbers of each range, for the page to offer: the prefix padded to twelve digits.</summary>
    public static IReadOnlyList<string> Examples(SimulatorOptions options) =>
        [.. Prefixes(options).SelectMany(prefix => prefix.Length >= 13
            ? [prefix]
            : Enumerable.Range(1, Offered).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(13 - prefix.Length, '0')))];
}
