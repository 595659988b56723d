using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Twilio;
using Xunit.Abstractions;

namespace TwilioFeedback.Tests.Faults;

/// <summary>The server with rate limits out of the way, so that every fuzzed request reaches a handler.</summary>
public sealed class FuzzFactory : AppFactory
{
    public const string SendGridSecret = "sendgrid-fuzz-secret";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Ussd:SharedSecret"] = FaultSteps.UssdSecret,
        ["Email:EventWebhookSecret"] = SendGridSecret,
        ["RateLimits:ApiPermitsPerMinute"] = "1000000",
        ["RateLimits:WebhookPermitsPerMinute"] = "1000000",
        ["Reminders:DispatchOnSchedule"] = "false",
    };
}

/// <summary>
/// Thousands of random and hostile requests to every public endpoint, from a seeded Random (set
/// <c>TF_FUZZ_SEED</c> to replay a run): never a 5xx, never a hang, TwiML always well-formed, and no
/// invalid row stored.
/// </summary>
public sealed class AbuseFuzzTests(FuzzFactory factory, ITestOutputHelper output) : IntegrationTest<FuzzFactory>(factory)
{
    /// <summary>2,500 a run; <c>TF_FUZZ_REQUESTS</c> asks for more when hunting by hand.</summary>
    private static readonly int Requests = int.TryParse(Environment.GetEnvironmentVariable("TF_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var count) ? count : 2500;
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(10);

    /// <summary>One request as the fuzzer built it: enough to replay it by hand.</summary>
    private sealed record Sent(int Index, string Method, string Path, string? ContentType, byte[] Body, Dictionary<string, string> Headers)
    {
        public override string ToString()
        {
            var body = Encoding.UTF8.GetString(Body);
            var headers = string.Concat(Headers.Where(h => h.Key != "X-Twilio-Signature").Select(h => $" {h.Key}: {h.Value}"));
            return $"#{Index} {Method} {Path} [{ContentType}]{headers} {(body.Length > 300 ? body[..300] + "…" : body)}";
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData("/api/v1/reminders", """{"patient_id":"P1","message":"x","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001","channels":[null]}""")]
    [InlineData("/api/v1/reminders", """{"patient_id":"P1","language":"en","scheduled_time":"2026-12-01T09:00:00+01:00","phone_number":"+237677000001","template":"medication","parameters":{"medicine":"Coartem","extra":null}}""")]
    public async Task Nulls_where_strings_are_expected_are_a_validation_problem_or_ignored_not_a_500(string path, string json)
    {
        var response = await Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Thousands_of_hostile_requests_get_no_500_no_hang_well_formed_TwiML_and_store_no_garbage()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("TF_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : Random.Shared.Next();
        output.WriteLine($"fuzz seed {seed}, {Requests} requests (replay: TF_FUZZ_SEED={seed} scripts/test --filter FullyQualifiedName~AbuseFuzz)");
        Console.WriteLine($"fuzz seed {seed}");
        var random = new Random(seed);
        // Built up front from the seed alone, so a run replays whatever order the requests finish in.
        var requests = Enumerable.Range(0, Requests).Select(i => Build(new Hostile(random), i)).ToList();

        var client = Factory.ClientWith(AppFactory.Token("admin"));
        client.Timeout = Timeout.InfiniteTimeSpan; // each request has its own deadline below
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var timer = Stopwatch.StartNew();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (sent, _) =>
        {
            using var deadline = new CancellationTokenSource(PerRequest);
            try
            {
                using var response = await client.SendAsync(ToMessage(sent), deadline.Token);
                var status = (int)response.StatusCode;
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                var text = await response.Content.ReadAsStringAsync(deadline.Token);
                if (status >= 500)
                {
                    failures.Enqueue($"{status} for {sent}\n   → {(text.Length > 400 ? text[..400] : text)}");
                }
                else if (response.Content.Headers.ContentType?.MediaType is "text/xml" or "application/xml")
                {
                    try
                    {
                        Assert.Equal("Response", XDocument.Parse(text).Root!.Name.LocalName);
                    }
                    catch (Exception exception)
                    {
                        failures.Enqueue($"malformed TwiML ({exception.Message}) for {sent}\n   → {text}");
                    }
                }
                else if (sent.Path.StartsWith("/ussd", StringComparison.Ordinal) && status == 200
                    && (!(text.StartsWith("CON ", StringComparison.Ordinal) || text.StartsWith("END ", StringComparison.Ordinal)) || text.Length > 182))
                {
                    failures.Enqueue($"bad USSD screen for {sent}\n   → {text}");
                }
            }
            catch (OperationCanceledException)
            {
                failures.Enqueue($"no answer within {PerRequest} for {sent}");
            }
            catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or IOException)
            {
                failures.Enqueue($"{exception.GetType().Name} ({exception.Message}) for {sent}");
            }
        });
        timer.Stop();
        output.WriteLine($"{Requests} requests in {timer.Elapsed.TotalSeconds:0.0} s; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");

        var stored = await InvalidRowsAsync();
        Assert.True(failures.IsEmpty && stored.Count == 0,
            $"seed {seed}: {failures.Count} bad answers, {stored.Count} invalid rows\n{string.Join("\n", failures.Take(15))}\n{string.Join("\n", stored.Take(15))}");
        Assert.Contains(statuses.Keys, s => s == 200); // the fuzzer did reach the handlers
    }

    /// <summary>
    /// Rows that break what the API promises: ratings 1–5, known languages and channels, bounded texts
    /// without control characters (a phone's CR LF line break is text).
    /// </summary>
    private async Task<List<string>> InvalidRowsAsync()
    {
        string[] languages = ["en", "fr", "dua", "bas", "ewo"];
        string[] channels = ["sms", "whatsapp", "voice", "ussd", "web", "api", "sync"];
        await using var db = Factory.Db();
        var problems = new List<string>();
        foreach (var f in await db.Feedbacks.AsNoTracking().ToListAsync())
        {
            if (f.Rating is < 1 or > 5 || !languages.Contains(f.Language) || !channels.Contains(f.Channel)
                || f.Content is { Length: > Webhooks.Conversations.ConversationEffects.MaxCommentLength } || f.Content?.Any(c => char.IsControl(c) && c is not ('\n' or '\t' or '\r')) == true)
            {
                problems.Add($"feedback {f.Id}: rating {f.Rating}, language {f.Language}, channel {f.Channel}, content length {f.Content?.Length}");
            }
        }
        foreach (var p in await db.Patients.AsNoTracking().ToListAsync())
        {
            if ((p.PreferredLanguage is not null && !languages.Contains(p.PreferredLanguage)) || p.ExternalId.Length is 0 or > 64
                || p.Phone is { Length: > 40 })
            {
                problems.Add($"patient {p.Id}: language {p.PreferredLanguage}, external id length {p.ExternalId.Length}, phone length {p.Phone?.Length}");
            }
        }
        foreach (var r in await db.Reminders.AsNoTracking().ToListAsync())
        {
            if (!languages.Contains(r.Language) || r.Message.Length is 0 or > 1600 || r.Channels.Count == 0)
            {
                problems.Add($"reminder {r.Id}: language {r.Language}, message length {r.Message.Length}, channels {r.Channels.Count}");
            }
        }
        return problems;
    }

    private static HttpRequestMessage ToMessage(Sent sent)
    {
        var message = new HttpRequestMessage(new HttpMethod(sent.Method), sent.Path);
        if (sent.Method is not ("GET" or "DELETE") || sent.Body.Length > 0)
        {
            message.Content = new ByteArrayContent(sent.Body);
            if (sent.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", sent.ContentType);
            }
        }
        foreach (var (name, value) in sent.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    private static Sent Build(Hostile h, int index)
    {
        var roll = h.Next(100);
        return roll switch
        {
            < 22 => Twilio(h, index, "/twilio/sms", SmsFields(h)),
            < 34 => Twilio(h, index, $"/twilio/voice{h.StepQuery()}", VoiceFields(h)),
            < 38 => Twilio(h, index, "/twilio/voice/recording", [new("RecordingSid", h.Pick(h.Sid("RE"), h.Sid("RE"), h.Text())), new("RecordingStatus", h.Pick("completed", "failed", "absent", h.Text())), new("RecordingUrl", h.Pick("https://api.twilio.com/rec", h.Text()))]),
            < 42 => Twilio(h, index, h.Pick("/twilio/status/message", "/twilio/status/call"), [new("MessageSid", h.Sid("SM")), new("CallSid", h.Sid("CA")), new("MessageStatus", h.Pick("sent", "delivered", "failed", h.Text())), new("CallStatus", h.Pick("completed", "busy", h.Text())), new("ErrorCode", h.Pick("30003", h.Text()))]),
            < 45 => Twilio(h, index, $"/twilio/voice/reminder?id={h.Pick("1", "-1", "99999999999999999999", h.Word())}&step={h.Pick("0", "1", "2", "-5", h.Word())}", [new("Digits", h.Pick("1", "2", h.Text()))]),
            < 58 => Ussd(h, index),
            < 68 => Json(h, index, h.Pick("POST"), h.Pick("/api/feedback", "/api/v1/feedback"), FeedbackJson(h)),
            < 75 => Json(h, index, "POST", "/api/v1/feedback/sync", SyncJson(h)),
            < 82 => Json(h, index, h.Pick("POST", "POST", "PATCH"), h.Pick("/api/reminders", "/api/v1/reminders", $"/api/v1/reminders/{h.Id()}"), ReminderJson(h)),
            < 90 => new Sent(index, "GET", h.Pick(
                $"/api/v1/feedback?limit={h.Word()}&cursor={h.Escaped()}", $"/api/v1/feedback/{h.Id()}", $"/api/v1/feedback/{h.Id()}/voice",
                $"/api/v1/feedback/stats?from={h.Escaped()}&to={h.Escaped()}&group_by={h.Pick("day", "language", "channel", "topic", h.Word())}",
                "/api/v1/feedback/export.csv", $"/api/v1/reminders?status={h.Escaped()}&patient_id={h.Escaped()}&from={h.Escaped()}&cursor={h.Escaped()}&limit={h.Word()}",
                $"/api/v1/reminders/{h.Id()}", "/api/v1/audit", "/api/v1/prompts", $"/prompts/{h.Escaped()}/{h.Escaped()}", "/health/ready"), null, [], []),
            < 94 => Json(h, index, h.Pick("GET", "PUT", "DELETE", "PUT"), $"/api/v1/patients/{h.Escaped()}", PatientJson(h)),
            < 98 => Json(h, index, "POST", $"/sendgrid/events/{h.Pick(FuzzFactory.SendGridSecret, FuzzFactory.SendGridSecret, h.Escaped())}", SendGridJson(h)),
            _ => new Sent(index, "PUT", $"/api/v1/studio/recordings/{h.Pick("en", "fr", "dua", h.Escaped())}/{h.Pick("Voice_AskRating", h.Escaped())}",
                h.Pick("audio/wav", "audio/mpeg", "text/plain"), h.Bytes(h.Next(2000)), []),
        };
    }

    private static List<KeyValuePair<string, string>> SmsFields(Hostile h)
    {
        var from = h.Pick("+237690000501", "+237690000502", "whatsapp:+237690000503", h.Phone(), h.Text());
        var sid = h.Pick(h.Sid("SM"), h.Sid("SM"), h.Text(), "");
        var fields = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", sid), new("From", from), new("To", TwilioRequests.HospitalNumber), new("Body", h.Answer()), new("AccountSid", TwilioRequests.AccountSid),
        };
        if (h.Chance(10))
        {
            fields.Add(new("MediaContentType0", h.Pick("audio/ogg", "audio/", "image/png", h.Text())));
            fields.Add(new("MediaUrl0", h.Pick("https://api.twilio.com/media/1", h.Text())));
        }
        return h.Mangle(fields);
    }

    private static List<KeyValuePair<string, string>> VoiceFields(Hostile h)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("CallSid", h.Pick(h.Sid("CA"), h.Text())), new("From", h.Pick("+237690000601", h.Phone(), h.Text())), new("To", TwilioRequests.HospitalNumber),
            new("Digits", h.Pick("1", "2", "4", "#", "*", "hangup", "", h.Text())),
        };
        if (h.Chance(30))
        {
            fields.Add(new("RecordingSid", h.Pick(h.Sid("RE"), h.Text())));
            fields.Add(new("RecordingUrl", h.Pick("https://api.twilio.com/rec", h.Text())));
            fields.Add(new("RecordingDuration", h.Pick("5", "0", "-1", "99999999999", h.Word())));
        }
        return h.Mangle(fields);
    }

    private static Sent Ussd(Hostile h, int index)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("sessionId", h.Pick("ATUid_fuzz1", "ATUid_fuzz2", h.Text())), new("phoneNumber", h.Pick("+237690000701", h.Phone(), h.Text())),
            new("serviceCode", h.Pick("*123#", h.Text())), new("text", h.Pick("", "1", "1*4", "1*4*Kind nurses", string.Join('*', Enumerable.Repeat("1", h.Next(500))), h.Answer())),
        ];
        var path = h.Chance(30) ? $"/ussd/{(h.Chance(80) ? FaultSteps.UssdSecret : h.Escaped())}" : "/ussd";
        var headers = new Dictionary<string, string>();
        if (path == "/ussd" && h.Chance(85))
        {
            headers["X-Ussd-Secret"] = h.Chance(90) ? FaultSteps.UssdSecret : h.Word();
        }
        var (contentType, body) = h.FormBody(h.Mangle(fields));
        return new Sent(index, "POST", path, contentType, body, headers);
    }

    /// <summary>A Twilio webhook post, usually signed exactly as Twilio would sign what the server will read.</summary>
    private static Sent Twilio(Hostile h, int index, string path, List<KeyValuePair<string, string>> fields)
    {
        var (contentType, body) = h.FormBody(fields);
        var headers = new Dictionary<string, string>();
        if (!h.Chance(8))
        {
            var parameters = contentType == "application/x-www-form-urlencoded" ? Hostile.ReadForm(body) : [];
            headers["X-Twilio-Signature"] = new RequestValidator(AppFactory.AuthToken).GetSignature(AppFactory.PublicBaseUrl + path, parameters);
        }
        else if (h.Chance(50))
        {
            headers["X-Twilio-Signature"] = h.Word();
        }
        return new Sent(index, "POST", path, contentType, body, headers);
    }

    private static Sent Json(Hostile h, int index, string method, string path, string json)
    {
        var roll = h.Next(100);
        var (contentType, body) = roll switch
        {
            < 75 => ("application/json", Encoding.UTF8.GetBytes(json)),
            < 82 => ("application/json", h.InvalidUtf8(json)),
            < 87 => (h.Pick("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x", null), Encoding.UTF8.GetBytes(json)),
            < 92 => ("application/json", h.Bytes(h.Next(3000))),
            _ => ("application/json", Encoding.UTF8.GetBytes(h.DeepJson())),
        };
        var headers = new Dictionary<string, string>();
        if (h.Chance(3))
        {
            headers["Content-Encoding"] = "gzip"; // not gzip at all
        }
        return new Sent(index, method, path, contentType, body, headers);
    }

    private static string FeedbackJson(Hostile h) => h.JsonObject(
        ("patient_id", h.JsonValue(() => h.Pick("PAT1", "PAT-2_x", h.Text()))),
        ("language", h.JsonValue(() => h.Pick("en", "french", "dua", "ewondo", h.Text()))),
        ("content", h.JsonValue(h.Answer)),
        ("rating", h.JsonNumber()),
        ("voice_data", h.Chance(10) ? h.JsonValue(() => h.Pick("UklGRiQAAABXQVZF", "!!!notbase64", h.Text())) : null));

    private static string SyncJson(Hostile h)
    {
        var count = h.Pick(1, 2, 5, 0, 501);
        var items = Enumerable.Range(0, count).Select(_ => h.JsonObject(
            ("client_id", h.JsonValue(() => h.Pick(Guid.NewGuid().ToString(), Guid.Empty.ToString(), h.Text()))),
            ("patient_id", h.JsonValue(() => h.Pick("PAT9", h.Text()))),
            ("language", h.JsonValue(() => h.Pick("fr", "bas", h.Text()))),
            ("rating", h.JsonNumber()),
            ("content", h.JsonValue(h.Answer)),
            ("given_at", h.JsonValue(() => h.Pick("2026-11-20T08:00:00+01:00", "2099-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", h.Text())))));
        return h.Chance(5) ? $"{{\"items\":{h.JsonValue(h.Text)}}}" : $"{{\"items\":[{string.Join(',', items)}]}}";
    }

    private static string ReminderJson(Hostile h) => h.JsonObject(
        ("patient_id", h.JsonValue(() => h.Pick("PAT7", h.Text()))),
        ("message", h.JsonValue(() => h.Pick("Rendez-vous demain", new string('x', 1601), h.Answer()))),
        ("language", h.JsonValue(() => h.Pick("fr", "en", h.Text()))),
        ("scheduled_time", h.JsonValue(() => h.Pick("2026-11-25T09:00:00+01:00", "2026-11-24T10:00:00Z", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-14:00", h.Text()))),
        ("phone_number", h.JsonValue(() => h.Pick("677000001", "+237677000002", h.Phone(), h.Text()))),
        ("email", h.JsonValue(() => h.Pick("p@example.org", h.Text()))),
        ("channels", h.Chance(50) ? $"[{string.Join(',', Enumerable.Range(0, h.Next(5)).Select(_ => h.JsonValue(() => h.Pick("sms", "whatsapp", "voice", "email", h.Text()))))}]" : null),
        ("template", h.Chance(20) ? h.JsonValue(() => h.Pick("appointment", "medication", "follow_up", "feedback_invite", h.Text())) : null),
        ("parameters", h.Chance(20) ? h.JsonObject(("department", h.JsonValue(h.Text)), ("date", h.JsonValue(h.Text)), ("time", h.JsonValue(h.Text)), ("medicine", h.JsonValue(h.Text))) : null),
        ("recurrence", h.Chance(15) ? h.JsonObject(("frequency", h.JsonValue(() => h.Pick("daily", "weekly", h.Text()))), ("count", h.JsonNumber()), ("until", h.JsonValue(h.Text))) : null),
        ("urgent", h.Pick("true", "false", "\"yes\"", null)),
        ("confirm", h.Pick("true", "false", "1", null)),
        ("kind", h.Chance(20) ? h.JsonValue(() => h.Pick("reminder", "feedback_invite", h.Text())) : null));

    private static string PatientJson(Hostile h) => h.JsonObject(
        ("preferred_language", h.JsonValue(() => h.Pick("fr", "ewo", h.Text()))),
        ("opted_out", h.Pick("true", "false", "null", "\"no\"")),
        ("phone_number", h.JsonValue(() => h.Pick("+237677000003", h.Phone(), h.Text()))));

    private static string SendGridJson(Hostile h) =>
        h.Chance(10) ? h.JsonObject(("event", h.JsonValue(h.Text)))
        : $"[{string.Join(',', Enumerable.Range(0, h.Pick(0, 1, 3, 1001)).Select(_ => h.JsonObject(("event", h.JsonValue(() => h.Pick("delivered", "bounce", h.Text()))), ("sg_message_id", h.JsonValue(() => h.Pick("abc.filter1", ".filter", h.Text()))))))}]";
}

/// <summary>Random and hostile values, all drawn from one seeded <see cref="Random"/>.</summary>
internal sealed class Hostile(Random random)
{
    private static readonly string[] Nasty =
    [
        "'; DROP TABLE feedbacks; --", "\" OR 1=1 --", "Robert'); DELETE FROM patients;--", "%' AND pg_sleep(5) --",
        "<Response><Hangup/></Response>", "]]>", "<![CDATA[x]]>", "&amp;&lt;&#0;&#xD800;", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
        "\0", "\u0001\u0002\u001b[31m", "\r\n\r\n", "\u202eevil", "\ufeff", "\uffff", "\ud800", "\udc00x", "😀", "⭐⭐⭐⭐", "👨‍👩‍👧‍👦",
        "${jndi:ldap://x}", "{{7*7}}", "../../etc/passwd", "%00", "%s%s%n", "NaN", "-0", "1e309", "4/5", "quatre", "STOP", "START", "LANG", "AIDE",
        "ɓàsàa ŋ ɛ ɔ", "Zalgơ̴̢̛̗̘̙̜̝̞̟̠", "null", "undefined", "true", "[]", "{}",
    ];

    public int Next(int max) => max <= 0 ? 0 : random.Next(max);

    public bool Chance(int percent) => random.Next(100) < percent;

    public T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];

    public string Word() => Pick("1", "0", "-1", "abc", "", " ", "2147483648", "1.5", "%", "<", "'", "true");

    public string Id() => Pick("1", "2", "0", "-1", "9223372036854775807", "9223372036854775808", "abc", "%20", "1.0");

    public string Sid(string prefix) => prefix + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));

    public string Phone() => Pick("+2376" + random.Next(10_000_000, 99_999_999), "00237677", "+", "+1 (555) 010-9999", "677 00 00 01", new string('9', 40), "client:anonymous", "sip:a@b.c");

    public string StepQuery() => Pick("", "?step=1", "?step=2", "?step=-1", "?step=101", "?step=abc", "?step=99999999999", "?step=1&step=2");

    /// <summary>A patient's answer: usually plausible, often hostile.</summary>
    public string Answer() => Pick("hello", "1", "2", "4", "5", "0", "⭐⭐⭐", "Kind nurses", "STOP", "START", "HELP", "LANG", "2", Text(), Text());

    /// <summary>A hostile string: metacharacters, control and odd Unicode, floods, huge, or random code points.</summary>
    public string Text() => random.Next(10) switch
    {
        0 or 1 or 2 => Pick(Nasty),
        3 => string.Concat(Enumerable.Repeat(Pick("😀", "⭐", "ɓ", "é", "\u0301", "‮", "A"), Pick(10, 200, 3000))),
        4 => new string(Pick('x', ' ', '%', '*', '<', '\''), Pick(4001, 20_000, 70_000)),
        5 => new string(Enumerable.Range(0, random.Next(1, 60)).Select(_ => (char)random.Next(0, 0x10000)).ToArray()),
        6 => new string(Enumerable.Range(0, random.Next(1, 60)).Select(_ => (char)random.Next(0, 128)).ToArray()),
        7 => Pick(Nasty) + Pick(Nasty) + Pick(Nasty),
        8 => "",
        _ => random.Next().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Text for a path or query: URL-escaped, else the request would not even be sent; without NUL, which
    /// Kestrel answers 400 before the app and TestServer cannot carry.
    /// </summary>
    public string Escaped() => Uri.EscapeDataString(Utf8(Text() is { Length: > 300 } t ? t[..300] : Text()).Replace("\0", "", StringComparison.Ordinal));

    public byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Fields dropped, duplicated or added at random.</summary>
    public List<KeyValuePair<string, string>> Mangle(List<KeyValuePair<string, string>> fields)
    {
        var result = fields.Where(_ => !Chance(8)).ToList();
        if (Chance(10))
        {
            result.Add(Pick(result.Count > 0 ? result.ToArray() : [new("x", "y")]));
        }
        if (Chance(10))
        {
            result.Add(new(Text(), Text()));
        }
        return result;
    }

    /// <summary>Usually a proper form; sometimes invalid UTF-8 inside it, random bytes, JSON, or no content type.</summary>
    public (string? ContentType, byte[] Body) FormBody(List<KeyValuePair<string, string>> fields)
    {
        var encoded = string.Join('&', fields.Select(f => Uri.EscapeDataString(Utf8(f.Key)) + "=" + Uri.EscapeDataString(Utf8(f.Value))));
        return random.Next(100) switch
        {
            < 75 => ("application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(encoded)),
            < 85 => ("application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(encoded + "&Body=" + Pick("%FF%FE", "%C3%28", "%ED%A0%80", "%F4%90%80%80", "%", "%G1", "%E2%82"))),
            < 90 => ("application/x-www-form-urlencoded", Bytes(Next(2000))),
            < 95 => (Pick("application/json", "text/plain", "multipart/form-data", "multipart/form-data; boundary=zz", null), Encoding.ASCII.GetBytes(encoded)),
            _ => ("application/x-www-form-urlencoded; charset=" + Pick("utf-16", "latin1", "nonsense"), Encoding.ASCII.GetBytes(encoded)),
        };
    }

    /// <summary>Well-formed JSON with hostile bytes: invalid UTF-8 put inside a string.</summary>
    public byte[] InvalidUtf8(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var at = bytes.IndexOf((byte)'"');
        bytes.InsertRange(at < 0 ? 0 : at + 1, Pick<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]));
        return [.. bytes];
    }

    public string DeepJson()
    {
        var depth = Pick(70, 1000, 20_000);
        return Chance(50) ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    /// <summary>A JSON value: usually a string of <paramref name="text"/>, sometimes the wrong type.</summary>
    public string JsonValue(Func<string> text) => random.Next(12) switch
    {
        0 => "null",
        1 => JsonNumber(),
        2 => "{\"nested\":[1,2,{}]}",
        3 => "[\"a\",1]",
        4 => "true",
        5 => "\"\\ud800\"",
        _ => System.Text.Json.JsonSerializer.Serialize(text()),
    };

    public string JsonNumber() => Pick("1", "3", "5", "4", "0", "6", "-1", "2147483648", "1e400", "4.5", "-0", "\"5\"", "null", "99999999999999999999999");

    /// <summary>An object of the present fields (null: left out).</summary>
    public string JsonObject(params (string Name, string? Json)[] fields) =>
        "{" + string.Join(',', fields.Where(f => f.Json is not null).Select(f => $"\"{f.Name}\":{f.Json}")) + "}";

    /// <summary>Reads a form body the way the server does (UTF-8, invalid bytes replaced), to sign what it will see.</summary>
    public static IEnumerable<KeyValuePair<string, StringValues>> ReadForm(byte[] body)
    {
        var form = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pair in Encoding.ASCII.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=');
            var (name, value) = at < 0 ? (Decode(pair), "") : (Decode(pair[..at]), Decode(pair[(at + 1)..]));
            if (!form.TryGetValue(name, out var values))
            {
                form[name] = values = [];
            }
            values.Add(value);
        }
        return form.Select(p => new KeyValuePair<string, StringValues>(p.Key, p.Value.ToArray()));
    }

    private static string Decode(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add(text[i] == '+' ? (byte)' ' : (byte)text[i]);
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    // Lone surrogates cannot be URL-encoded: sent as the replacement character, as any client would.
    private static string Utf8(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
}
