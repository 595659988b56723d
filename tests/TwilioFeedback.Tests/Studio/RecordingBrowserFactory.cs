using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Voice;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// The browser server with Chromium's fake microphone, which plays <see cref="Voice"/> (a WAV this
/// factory writes) from its start each time a page opens the microphone: 1.5 s of silence, 1.5 s of two
/// tones, then silence longer than any take the tests record. The lead is long because the page starts taking sound
/// only once its audio worklet has loaded: in a CI run that took over 0.4 s (the lead then) and the take lost the
/// tones' first 150 ms.
/// </summary>
public sealed class RecordingBrowserFactory : BrowserAppFactory
{
    public const int Rate = 48000;
    public const double Lead = 1.5, Sound = 1.5, Tail = 5.0;

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"tf-fake-mic-{Guid.NewGuid():N}.wav");

    public RecordingBrowserFactory() => File.WriteAllBytes(_file, Tones.Encode(Voice(Rate), Rate));

    /// <summary>What the fake microphone hears, at <paramref name="rate"/>.</summary>
    public static float[] Voice(int rate)
    {
        var low = Tones.Tone(350, Sound, rate, 0.2, Lead, Tail);
        var high = Tones.Tone(620, Sound, rate, 0.15, Lead, Tail);
        return [.. low.Zip(high, (a, b) => a + b)];
    }

    protected override IEnumerable<string> ExtraBrowserArgs =>
        ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={_file}", "--autoplay-policy=no-user-gesture-required"];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_file);
    }
}
