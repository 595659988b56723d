namespace TwilioFeedback.Resources;

/// <summary>No studio: every text is the built-in one (tools and tests that run without a database).</summary>
public sealed class BuiltInTexts : ITextCatalogue
{
    public string? Approved(string key, Language language) => null;
}
