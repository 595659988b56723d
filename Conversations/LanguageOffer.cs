using TwilioFeedback.Resources;

namespace TwilioFeedback.Conversations;

/// <summary>
/// The languages each channel offers (live there), in menu order, and the fallback of each language:
/// a patient whose language is not live on their channel is answered in its fallback.
/// </summary>
public sealed record LanguageOffer(IReadOnlyDictionary<Channel, IReadOnlyList<Language>> Live, IReadOnlyDictionary<Language, Language> Fallbacks)
{
    /// <summary>Every language live on every channel (engine tests; preview numbers).</summary>
    public static LanguageOffer Everything { get; } = new(new Dictionary<Channel, IReadOnlyList<Language>>(), new Dictionary<Language, Language>());

    /// <summary>English and French only: what Twilio speaks and the built-in texts serve without a studio.</summary>
    public static IReadOnlyList<Language> AlwaysLive { get; } = [Language.English, Language.French];

    /// <summary>The languages offered on <paramref name="channel"/>, in menu order (a channel not listed offers all).</summary>
    public IReadOnlyList<Language> On(Channel channel) => Live.TryGetValue(channel, out var live) ? live : Languages.All;

    /// <summary>The language a patient who wants <paramref name="wanted"/> is answered in on <paramref name="channel"/>.</summary>
    public Language Serve(Language wanted, Channel channel)
    {
        var live = On(channel);
        if (live.Contains(wanted))
        {
            return wanted;
        }
        var fallback = Fallbacks.TryGetValue(wanted, out var configured) ? configured : Language.French;
        return live.Contains(fallback) ? fallback : Language.French;
    }

    /// <summary>Every language live on every channel, keeping the fallbacks.</summary>
    public LanguageOffer WithEverythingLive() => this with { Live = new Dictionary<Channel, IReadOnlyList<Language>>() };
}
