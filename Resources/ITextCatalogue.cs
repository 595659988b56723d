namespace TwilioFeedback.Resources;

/// <summary>The texts the studio has approved, which win over the built-in <c>.resx</c> texts at run time.</summary>
public interface ITextCatalogue
{
    /// <summary>The approved text of <paramref name="key"/> in <paramref name="language"/>, or null when the built-in one serves.</summary>
    string? Approved(string key, Language language);
}
