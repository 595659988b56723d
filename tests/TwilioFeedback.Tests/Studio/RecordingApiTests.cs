using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Xml.Linq;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Voice;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// The studio's recordings through HTTP: what the server refuses and why (the page shows the detail),
/// how it trims and levels what it keeps, and the review: a second person approves, the approved take
/// keeps playing while a newer one waits.
/// </summary>
public sealed class RecordingApiTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Prompt = "/prompts/dua/Voice_AskRating";

    public static TheoryData<string, byte[], string, string> RefusedTakes() => new()
    {
        { "digital silence", Tones.Wav(440, 2.0, amplitude: 0), "The recording is silent", "silent" },
        { "a whisper below −40 dBFS", Tones.Wav(440, 2.0, amplitude: 0.005), "The recording is silent", "silent" },
        { "a tone driven past full scale", Tones.Wav(440, 2.0, amplitude: 3.0), "The recording is clipped", "clipped" },
        { "0.3 s of sound in 2 s", Tones.Wav(440, 0.3, silenceBefore: 1, silenceAfter: 0.7), "The recording is too short: 0.3 s of sound", "too_short" },
        { "31 s of sound", Tones.Wav(440, 31, amplitude: 0.2), "The recording is too long: 31 s of sound", "too_long" },
        { "a text file", "not audio at all"u8.ToArray(), "This file is not WAV or MP3 audio", "not_audio" },
        { "a WAV header with nothing after it", Tones.Wav(440, 1.0)[..30], "This WAV file could not be read", "unreadable_wav" },
        { "MP3-looking noise", [0xFF, 0xFB, .. new byte[2000]], "This MP3 file could not be read", "unreadable_mp3" },
    };

    [Theory]
    [MemberData(nameof(RefusedTakes))]
    public async Task A_bad_take_is_refused_with_a_reason_the_page_can_show(string label, byte[] audio, string reason, string code)
    {
        var response = await ApprovedPrompts.UploadAsync(Factory, "dua", "Voice_AskRating", audio);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{label}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith(reason, problem.GetProperty("detail").GetString());
        Assert.Equal(code, problem.GetProperty("code").GetString()); // the page words it in its own language
        var list = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/studio/recordings/dua")).RootElement;
        Assert.All(list.EnumerateArray(), item => Assert.Equal(JsonValueKind.Null, item.GetProperty("draft").ValueKind));
    }

    [Fact]
    public async Task A_take_is_trimmed_to_its_sound_levelled_to_minus_3_dBFS_and_stored_as_8_kHz_mono()
    {
        // 48 kHz stereo, as a browser records: half a second of silence each side of a quiet second of tone.
        var id = await ApprovedPrompts.DraftAsync(Factory, "dua", "Voice_AskRating",
            Tones.Wav(440, 1.0, sampleRate: 48000, amplitude: 0.05, silenceBefore: 0.5, silenceAfter: 0.5, channels: 2));

        var (samples, rate) = Tones.Decode(await Client.GetByteArrayAsync("/api/v1/studio/recordings/dua/Voice_AskRating/draft"));
        Assert.Equal(8000, rate);
        Assert.InRange(samples.Length / 8.0, 1080, 1120); // 1 s of sound and 50 ms either side
        Assert.InRange(samples.Max(Math.Abs), 0.69, 0.72);
        Assert.True(Tones.Correlation(samples, Tones.Tone(440, 1.0, 8000, 1.0, 0.05, 0.05), 40) > 0.95);

        var list = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/studio/recordings/dua")).RootElement;
        var item = list.EnumerateArray().Single(i => i.GetProperty("key").GetString() == "Voice_AskRating");
        Assert.Equal(id, item.GetProperty("draft").GetProperty("id").GetInt64());
        Assert.Equal("Ngo Recorder", item.GetProperty("draft").GetProperty("author").GetString());
        Assert.InRange(item.GetProperty("draft").GetProperty("duration_ms").GetInt32(), 1080, 1120);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("approved").ValueKind);
        Assert.StartsWith("How was your care", item.GetProperty("english").GetString());
        Assert.StartsWith("Comment jugez-vous vos soins", item.GetProperty("french").GetString());
        Assert.False(string.IsNullOrEmpty(item.GetProperty("purpose").GetString()));
    }

    [Fact]
    public async Task A_French_prompt_shows_the_Say_a_call_gets_and_a_Duala_one_says_only_a_recording_serves()
    {
        var french = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/studio/recordings/fr")).RootElement
            .EnumerateArray().Single(i => i.GetProperty("key").GetString() == "Voice_AskRating");
        var say = XElement.Parse(french.GetProperty("say").GetString()!);
        Assert.Equal("Say", say.Name.LocalName);
        Assert.Equal("fr-FR", say.Attribute("language")?.Value);
        Assert.Equal(french.GetProperty("french").GetString(), say.Value);

        // The call in French says exactly that.
        using var twilio = Factory.CreateClient();
        var callSid = "CA" + Guid.NewGuid().ToString("N");
        List<KeyValuePair<string, string>> Call(params (string, string)[] extra) =>
        [
            new("AccountSid", TwilioRequests.AccountSid), new("CallSid", callSid), new("CallStatus", "in-progress"), new("Direction", "inbound"),
            new("From", "+237677000002"), new("To", TwilioRequests.HospitalNumber), .. extra.Select(e => new KeyValuePair<string, string>(e.Item1, e.Item2)),
        ];
        var menu = XDocument.Parse(await (await twilio.PostTwilioAsync("/twilio/voice", Call())).Content.ReadAsStringAsync()).Root!;
        var action = menu.Element("Gather")!.Attribute("action")!.Value;
        var rating = XDocument.Parse(await (await twilio.PostTwilioAsync(action, Call(("Digits", "2")))).Content.ReadAsStringAsync()).Root!;
        Assert.Equal(say.ToString(SaveOptions.DisableFormatting), rating.Element("Gather")!.Element("Say")!.ToString(SaveOptions.DisableFormatting));

        var duala = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/studio/recordings/dua")).RootElement;
        Assert.All(duala.EnumerateArray(), item => Assert.Equal(JsonValueKind.Null, item.GetProperty("say").ValueKind));
    }

    [Fact]
    public async Task An_MP3_upload_is_accepted_and_kept_as_WAV()
    {
        var mp3 = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Voice", "Fixtures", "tone-440-1.2s.mp3"));
        var response = await ApprovedPrompts.UploadAsync(Factory, "dua", "Voice_AskRating", mp3, contentType: "audio/mpeg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (samples, rate) = Tones.Decode(await Client.GetByteArrayAsync("/api/v1/studio/recordings/dua/Voice_AskRating/draft"));
        Assert.Equal(8000, rate);
        Assert.InRange(samples.Length / 8.0, 1200, 1400); // 1.2 s of tone (the encoder's padding is silence, trimmed)
        Assert.True(Tones.Correlation(samples[400..^400], Tones.Tone(440, 1.0, 8000, 1.0), 40) > 0.9);
    }

    [Fact]
    public async Task The_author_cannot_approve_their_own_take()
    {
        var id = await ApprovedPrompts.DraftAsync(Factory, "dua", "Voice_AskRating", Tones.Wav(440, 1.0));

        var own = await ApprovedPrompts.ApproveAsync(Factory, "dua", "Voice_AskRating", id, ApprovedPrompts.Recorder);
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("Another translator or an admin", await own.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync(Prompt)).StatusCode);

        var other = await ApprovedPrompts.ApproveAsync(Factory, "dua", "Voice_AskRating", id, AppFactory.Token("translator", "Din Second"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var approved = JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("Ngo Recorder", "Din Second"), (approved.GetProperty("author").GetString(), approved.GetProperty("reviewer").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(Prompt)).StatusCode);
    }

    [Fact]
    public async Task The_approved_take_keeps_playing_while_a_new_draft_waits()
    {
        await ApprovedPrompts.AddAsync(Factory, "dua", "Voice_AskRating", Tones.Wav(440, 1.0));
        var first = await Client.GetByteArrayAsync(Prompt);
        var older = await ApprovedPrompts.DraftAsync(Factory, "dua", "Voice_AskRating", Tones.Wav(660, 1.5));
        var newer = await ApprovedPrompts.DraftAsync(Factory, "dua", "Voice_AskRating", Tones.Wav(880, 2.0));

        Assert.Equal(first, await Client.GetByteArrayAsync(Prompt));
        var draft = Tones.Decode(await Client.GetByteArrayAsync("/api/v1/studio/recordings/dua/Voice_AskRating/draft")).Samples;
        Assert.InRange(draft.Length / 8.0, 1990, 2010); // sound from end to end: nothing to trim

        var stale = await ApprovedPrompts.ApproveAsync(Factory, "dua", "Voice_AskRating", older);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(first, await Client.GetByteArrayAsync(Prompt));

        Assert.Equal(HttpStatusCode.OK, (await ApprovedPrompts.ApproveAsync(Factory, "dua", "Voice_AskRating", newer)).StatusCode);
        Assert.InRange(Tones.Decode(await Client.GetByteArrayAsync(Prompt)).Samples.Length / 8.0, 1990, 2010);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync("/api/v1/studio/recordings/dua/Voice_AskRating/draft")).StatusCode);
    }

    [Fact]
    public async Task Twilio_gets_caching_headers_and_a_304_for_the_take_it_has()
    {
        await ApprovedPrompts.AddAsync(Factory, "dua", "Voice_AskRating", Tones.Wav(440, 1.0));
        var anonymous = Factory.CreateClient();
        var served = await anonymous.GetAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("public, max-age=300", served.Headers.CacheControl!.ToString());
        var again = new HttpRequestMessage(HttpMethod.Get, Prompt);
        again.Headers.IfNoneMatch.Add(served.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(again)).StatusCode);
    }

    [Theory]
    [InlineData("translator", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("staff", HttpStatusCode.Forbidden)]
    public async Task Only_translators_and_admins_reach_the_recordings(string role, HttpStatusCode expected)
    {
        var client = Factory.ClientWith(AppFactory.Token(role));
        Assert.Equal(expected, (await client.GetAsync("/api/v1/studio/recordings/dua")).StatusCode);
        var upload = new ByteArrayContent(Tones.Wav(440, 1.0));
        upload.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        Assert.Equal(expected, (await client.PutAsync("/api/v1/studio/recordings/dua/Voice_Thanks", upload)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.CreateClient().GetAsync("/api/v1/studio/recordings/dua")).StatusCode);
    }
}
