using System.ComponentModel.DataAnnotations;


namespace TwilioFeedback.Webhooks.Voice;

/// <summary>How calls sound: text-to-speech voices, how long to wait for a key, how long a comment may be.</summary>
public sealed class VoiceOptions
{
    public const string Section = "Voice";

    /// <summary>A Twilio voice for English, e.g. <c>Polly.Joanna</c>; empty: Twilio's default.</summary>
    public string? EnglishVoice { get; set; }

    /// <summary>A Twilio voice for French, e.g. <c>Polly.Lea</c>; empty: Twilio's default.</summary>
    public string? FrenchVoice { get; set; }

    [Range(3, 30, ErrorMessage = "Voice:GatherTimeoutSeconds must be from 3 to 30.")]
    public int GatherTimeoutSeconds { get; set; } = 6;

    [Range(10, 600, ErrorMessage = "Voice:MaxCommentSeconds must be from 10 to 600.")]
    public int MaxCommentSeconds { get; set; } = 120;
}
