using System.Globalization;
using NAudio.Utils;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;
using NLayer;
using TwilioFeedback.Webhooks.Voice;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>A take that passed the checks: mono 16-bit PCM WAV at <see cref="RecordingAudio.SampleRate"/>, or why it was refused.</summary>
public sealed record CheckedRecording(byte[]? Wav, int DurationMs, RecordingRefusal? Problem);

/// <summary>
/// The server's checks on an uploaded take, and the small DSP step that makes every prompt sound alike
/// on a phone: decode (WAV through NAudio, MP3 through NLayer), mix to mono, refuse clipped audio
/// (more than 0.1 % of samples at full scale), resample to 8 kHz (what a call carries), find the sound
/// (20 ms frames whose RMS reaches −40 dBFS), refuse silence, less than 0.5 s or more than 30 s of it,
/// trim to the sound with 50 ms either side, peak-normalise to −3 dBFS, write 16-bit PCM WAV.
/// </summary>
public static class RecordingAudio
{
    public const int SampleRate = 8000;

    /// <summary>A 20 ms frame has sound when its RMS reaches −40 dBFS (0.01 of full scale).</summary>
    public const double SoundRms = 0.01;

    /// <summary>A sample is at full scale from 0.999 of it; more than 0.1 % of them is clipping.</summary>
    public const double FullScale = 0.999;

    public const double ClippedShare = 0.001;

    /// <summary>Peaks are levelled to −3 dBFS.</summary>
    public const double TargetPeak = 0.7079;

    public static readonly TimeSpan MinSound = TimeSpan.FromSeconds(0.5);
    public static readonly TimeSpan MaxSound = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);

    /// <summary>Decoding stops here: longer input is refused as too long without reading the rest.</summary>
    private static readonly TimeSpan MaxInput = TimeSpan.FromSeconds(120);

    public static CheckedRecording Check(byte[] data)
    {
        var format = AudioFormats.Sniff(data);
        if (format is not ("audio/wav" or "audio/mpeg"))
        {
            return Refused("not_audio", [], "This file is not WAV or MP3 audio. Record in the page, or upload a .wav or .mp3 file.");
        }
        (float[] Samples, int Rate)? decoded;
        try
        {
            decoded = format == "audio/wav" ? DecodeWav(data) : DecodeMp3(data);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A decoder meeting bytes it cannot read may throw anything; it says nothing the uploader can use.
            decoded = null;
        }
        if (decoded is not { Samples.Length: > 0 } audio)
        {
            return Refused(format == "audio/wav" ? "unreadable_wav" : "unreadable_mp3", [], $"This {(format == "audio/wav" ? "WAV" : "MP3")} file could not be read (PCM WAV mono or stereo, or MP3). Record again or export it again.");
        }
        if (audio.Samples.Length >= MaxInput.TotalSeconds * audio.Rate)
        {
            return Refused("too_long_input", [MaxSound.TotalSeconds], $"The recording is too long: a prompt holds at most {MaxSound.TotalSeconds:0} s of sound.");
        }
        var clipped = audio.Samples.Count(s => Math.Abs(s) >= FullScale) / (double)audio.Samples.Length;
        if (clipped > ClippedShare)
        {
            return Refused("clipped", [Math.Round(clipped * 100, 1), ClippedShare * 100], string.Create(CultureInfo.InvariantCulture,
                $"The recording is clipped: {clipped * 100:0.#} % of it is at full volume (at most {ClippedShare * 100:0.#} %). Record again a little further from the microphone, or more quietly."));
        }
        var samples = audio.Rate == SampleRate ? audio.Samples : Resample(audio.Samples, audio.Rate);
        var frame = (int)(SampleRate * Frame.TotalSeconds);
        int? first = null, last = null;
        for (var start = 0; start + frame <= samples.Length; start += frame)
        {
            var energy = 0.0;
            for (var i = start; i < start + frame; i++)
            {
                energy += samples[i] * (double)samples[i];
            }
            if (Math.Sqrt(energy / frame) >= SoundRms)
            {
                first ??= start;
                last = start + frame;
            }
        }
        if (first is not { } from || last is not { } to)
        {
            return Refused("silent", [], "The recording is silent: nothing in it is louder than −40 dBFS. Check that the right microphone is chosen and not muted, and speak close to it.");
        }
        var sound = TimeSpan.FromSeconds((to - from) / (double)SampleRate);
        if (sound < MinSound)
        {
            return Refused("too_short", [Math.Round(sound.TotalSeconds, 1), MinSound.TotalSeconds], string.Create(CultureInfo.InvariantCulture,
                $"The recording is too short: {sound.TotalSeconds:0.0} s of sound, at least {MinSound.TotalSeconds:0.0} s needed."));
        }
        if (sound > MaxSound)
        {
            return Refused("too_long", [Math.Round(sound.TotalSeconds), MaxSound.TotalSeconds], string.Create(CultureInfo.InvariantCulture,
                $"The recording is too long: {sound.TotalSeconds:0} s of sound, at most {MaxSound.TotalSeconds:0} s."));
        }
        var margin = (int)(SampleRate * Margin.TotalSeconds);
        var trimmed = samples[Math.Max(0, from - margin)..Math.Min(samples.Length, to + margin)];
        var gain = TargetPeak / trimmed.Max(s => Math.Abs(s));
        return new CheckedRecording(Wav(trimmed, gain), (int)(trimmed.Length * 1000L / SampleRate), null);
    }

    private static CheckedRecording Refused(string code, double[] args, string english) => new(null, 0, new RecordingRefusal(code, args, english));

    private static (float[], int) DecodeWav(byte[] data)
    {
        using var reader = new WaveFileReader(new MemoryStream(data, writable: false));
        var format = reader.WaveFormat;
        if (format.Channels is not (1 or 2) || format.Encoding is not (WaveFormatEncoding.Pcm or WaveFormatEncoding.IeeeFloat or WaveFormatEncoding.Extensible))
        {
            return ([], format.SampleRate);
        }
        var provider = reader.ToSampleProvider();
        if (format.Channels == 2)
        {
            provider = new StereoToMonoSampleProvider(provider);
        }
        return (ReadAll(provider.Read, format.SampleRate, 1), format.SampleRate);
    }

    private static (float[], int) DecodeMp3(byte[] data)
    {
        using var mpeg = new MpegFile(new MemoryStream(data, writable: false));
        var channels = mpeg.Channels;
        var interleaved = ReadAll(mpeg.ReadSamples, mpeg.SampleRate, channels);
        if (channels == 1)
        {
            return (interleaved, mpeg.SampleRate);
        }
        var mono = new float[interleaved.Length / channels];
        for (var i = 0; i < mono.Length; i++)
        {
            var sum = 0f;
            for (var c = 0; c < channels; c++)
            {
                sum += interleaved[i * channels + c];
            }
            mono[i] = sum / channels;
        }
        return (mono, mpeg.SampleRate);
    }

    /// <summary>Reads to the end, or to just past <see cref="MaxInput"/> (enough to refuse it as too long).</summary>
    private static float[] ReadAll(Func<float[], int, int, int> read, int rate, int channels)
    {
        var limit = (long)(MaxInput.TotalSeconds * rate * channels) + channels;
        var all = new List<float>();
        var buffer = new float[4096 * channels];
        int count;
        while (all.Count < limit && (count = read(buffer, 0, buffer.Length)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, count));
        }
        return [.. all];
    }

    private static float[] Resample(float[] samples, int rate)
    {
        var source = new ArraySampleProvider(samples, WaveFormat.CreateIeeeFloatWaveFormat(rate, 1));
        return ReadAll(new WdlResamplingSampleProvider(source, SampleRate).Read, SampleRate, 1);
    }

    private static byte[] Wav(float[] samples, double gain)
    {
        using var output = new MemoryStream();
        using (var writer = new WaveFileWriter(new IgnoreDisposeStream(output), new WaveFormat(SampleRate, 16, 1)))
        {
            var pcm = new byte[samples.Length * 2];
            for (var i = 0; i < samples.Length; i++)
            {
                var value = (short)Math.Clamp(Math.Round(samples[i] * gain * short.MaxValue), short.MinValue, short.MaxValue);
                pcm[2 * i] = (byte)value;
                pcm[2 * i + 1] = (byte)(value >> 8);
            }
            writer.Write(pcm, 0, pcm.Length);
        }
        return output.ToArray();
    }

    /// <summary>Decoded samples, read by NAudio's resampler.</summary>
    private sealed class ArraySampleProvider(float[] samples, WaveFormat format) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat => format;

        public int Read(float[] buffer, int offset, int count)
        {
            var n = Math.Min(count, samples.Length - _position);
            Array.Copy(samples, _position, buffer, offset, n);
            _position += n;
            return n;
        }
    }
}
