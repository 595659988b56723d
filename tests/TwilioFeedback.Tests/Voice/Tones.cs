namespace TwilioFeedback.Tests.Voice;

/// <summary>Generated tones stand in for real recordings in tests: no language is faked.</summary>
public static class Tones
{
    /// <summary>A tone at <paramref name="amplitude"/> of full scale, with silence before and after it.</summary>
    public static byte[] Wav(double frequency, double seconds, int sampleRate = 8000, double amplitude = 0.25, double silenceBefore = 0, double silenceAfter = 0, int channels = 1) =>
        Encode(Tone(frequency, seconds, sampleRate, amplitude, silenceBefore, silenceAfter), sampleRate, channels);

    public static float[] Tone(double frequency, double seconds, int sampleRate, double amplitude, double silenceBefore = 0, double silenceAfter = 0)
    {
        var lead = (int)(sampleRate * silenceBefore);
        var tone = (int)(sampleRate * seconds);
        var samples = new float[lead + tone + (int)(sampleRate * silenceAfter)];
        for (var i = 0; i < tone; i++)
        {
            samples[lead + i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return samples;
    }

    /// <summary>16-bit PCM WAV; each sample written to every channel.</summary>
    public static byte[] Encode(float[] samples, int sampleRate, int channels = 1)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        var bytes = samples.Length * 2 * channels;
        writer.Write("RIFF"u8);
        writer.Write(36 + bytes);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)channels);
        writer.Write(sampleRate);
        writer.Write(sampleRate * 2 * channels);
        writer.Write((short)(2 * channels));
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(bytes);
        foreach (var sample in samples)
        {
            for (var c = 0; c < channels; c++)
            {
                writer.Write((short)Math.Clamp(Math.Round(sample * 32767), short.MinValue, short.MaxValue));
            }
        }
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>The samples of a mono 16-bit PCM WAV (what the server stores) and its rate; fails on anything else.</summary>
    public static (float[] Samples, int SampleRate) Decode(byte[] wav)
    {
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        var position = 12;
        int rate = 0, channels = 0, bits = 0;
        while (position + 8 <= wav.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(wav, position, 4);
            var size = BitConverter.ToInt32(wav, position + 4);
            if (id == "fmt ")
            {
                (channels, rate, bits) = (BitConverter.ToInt16(wav, position + 10), BitConverter.ToInt32(wav, position + 12), BitConverter.ToInt16(wav, position + 22));
            }
            else if (id == "data")
            {
                Assert.Equal((1, 16, 1), (channels, bits, (int)BitConverter.ToInt16(wav, 20)));
                var count = Math.Min(size, wav.Length - position - 8) / 2;
                var samples = new float[count];
                for (var i = 0; i < count; i++)
                {
                    samples[i] = BitConverter.ToInt16(wav, position + 8 + 2 * i) / 32768f;
                }
                return (samples, rate);
            }
            position += 8 + size + (size & 1);
        }
        throw new Xunit.Sdk.XunitException("no data chunk in the WAV");
    }

    /// <summary>
    /// The median, over windows of <paramref name="window"/> samples of <paramref name="a"/>, of each window's highest
    /// normalised cross-correlation with <paramref name="b"/> at lags up to <paramref name="maxLag"/>: a take that dropped
    /// a buffer somewhere is shifted from there on, which one lag for the whole take cannot follow.
    /// </summary>
    public static double WindowedCorrelation(float[] a, float[] b, int window, int maxLag)
    {
        var scores = new List<double>();
        for (var start = 0; start + window <= a.Length; start += window)
        {
            scores.Add(BestCorrelation(a, start, window, b, maxLag));
        }
        scores.Sort();
        return scores.Count == 0 ? 0 : scores[scores.Count / 2];
    }

    /// <summary>The highest normalised cross-correlation of two signals at the same rate, over lags up to <paramref name="maxLag"/> samples.</summary>
    public static double Correlation(float[] a, float[] b, int maxLag) => BestCorrelation(a, 0, a.Length, b, maxLag);

    /// <summary>The highest normalised cross-correlation of <paramref name="count"/> samples of <paramref name="a"/> from <paramref name="start"/> with <paramref name="b"/>, over lags up to <paramref name="maxLag"/> samples.</summary>
    private static double BestCorrelation(float[] a, int start, int count, float[] b, int maxLag)
    {
        var best = 0.0;
        for (var lag = -maxLag; lag <= maxLag; lag++)
        {
            double sum = 0, ea = 0, eb = 0;
            for (var i = start; i < start + count; i++)
            {
                var j = i + lag;
                if (j < 0 || j >= b.Length)
                {
                    continue;
                }
                sum += a[i] * (double)b[j];
                ea += a[i] * (double)a[i];
                eb += b[j] * (double)b[j];
            }
            if (ea > 0 && eb > 0)
            {
                best = Math.Max(best, sum / Math.Sqrt(ea * eb));
            }
        }
        return best;
    }
}
