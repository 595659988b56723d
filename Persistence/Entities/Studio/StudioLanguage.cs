namespace TwilioFeedback.Persistence;

/// <summary>A language's studio settings: where it is live, and what patients get where it is not.</summary>
public sealed class StudioLanguage
{
    /// <summary>Language code: en, fr, dua, bas or ewo.</summary>
    public required string Language { get; set; }

    /// <summary>The language code patients get on a channel where this one is not live (French by default).</summary>
    public string Fallback { get; set; } = "fr";

    /// <summary>The channels (<c>sms</c>, <c>ussd</c>, <c>voice</c>) an admin has set this language live on.</summary>
    public List<string> LiveChannels { get; set; } = [];

    public DateTimeOffset UpdatedAt { get; set; }
}
