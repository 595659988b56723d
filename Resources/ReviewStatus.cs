using System.Text.Json;
using System.Text.Json.Serialization;

namespace TwilioFeedback.Resources;

/// <summary>Per language, how far a native speaker has checked the texts (review-status.json).</summary>
public sealed record LanguageReview(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reviewed_keys")] IReadOnlyList<string> ReviewedKeys,
    [property: JsonPropertyName("note")] string Note);

/// <summary>The review status file shipped beside the assembly.</summary>
public sealed record ReviewStatus([property: JsonPropertyName("languages")] IReadOnlyDictionary<string, LanguageReview> Languages)
{
    public const string FileName = "review-status.json";

    public static ReviewStatus Load(string? directory = null)
    {
        var path = Path.Combine(directory ?? AppContext.BaseDirectory, FileName);
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<ReviewStatus>(stream)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}
