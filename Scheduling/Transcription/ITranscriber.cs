namespace TwilioFeedback.Scheduling.Transcription;

/// <summary>What a transcriber gives back: the text, or why not (<c>Permanent</c>: trying again will not help).</summary>
public sealed record TranscriptionResult(string? Text, string? Error = null, bool Permanent = false)
{
    public bool Succeeded => Text is not null;
}

/// <summary>Turns a spoken comment into text; the OpenAI-compatible adapter below, or a test's own.</summary>
public interface ITranscriber
{
    /// <summary>The name a transcript it made is marked with.</summary>
    string Name { get; }

    Task<TranscriptionResult> TranscribeAsync(byte[] audio, string contentType, string language, CancellationToken cancellationToken);
}
