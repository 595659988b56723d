namespace TwilioFeedback.Webhooks.Voice;

/// <summary>Recognises the audio containers we accept by their first bytes.</summary>
public static class AudioFormats
{
    public static string Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'A', (byte)'V', (byte)'E', ..] => "audio/wav",
        [(byte)'O', (byte)'g', (byte)'g', (byte)'S', ..] => "audio/ogg",
        [(byte)'I', (byte)'D', (byte)'3', ..] or [0xFF, >= 0xE0, ..] => "audio/mpeg",
        _ => "application/octet-stream",
    };
}
