using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace TwilioFeedback.Bench;

/// <summary>
/// A closed loop of simulated patients: each worker is one patient at a time doing a whole conversation
/// (a new phone number each time), each turn answered before the next is sent, like a real phone.
/// Requests are signed as Twilio signs them (HMAC-SHA1 of the public URL and the sorted form).
/// </summary>
public static class LoadPhase
{
    public sealed record Result(
        string Kind, string Target, string Scenario, int Concurrency, double Seconds, long Turns, long Conversations, long Errors,
        double TurnsPerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs, Usage Usage, Dictionary<string, long> ErrorKinds,
        string? Beside = null, Work? Work = null);

    /// <summary>One request of a conversation: where, what, and a piece of text the answer must contain.</summary>
    private sealed record Turn(string PathAndQuery, List<KeyValuePair<string, string>> Form, string Expect, Dictionary<string, string>? Headers = null);

    public static async Task<int> RunAsync(Options options)
    {
        var target = options.Get("target"); // "server", "minimal" or "baseline": the baseline's answers are not checked
        var url = options.Get("url").TrimEnd('/');
        var publicBase = options.Get("public-base-url").TrimEnd('/');
        var authToken = Encoding.UTF8.GetBytes(options.Get("auth-token"));
        var ussdSecret = options.Get("ussd-secret", "");
        var scenario = options.Get("scenario");
        var concurrency = options.Int("concurrency", 16);
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 3));
        var measure = TimeSpan.FromSeconds(options.Double("seconds", 10));
        var firstPatient = options.Int("first-patient", 0);
        var stats = new ProcessStats(options.Int("pid", 0));
        var checkAnswers = target != "baseline";

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };

        Func<int, List<Turn>> conversation = scenario switch
        {
            "sms" => Sms,
            "voice" => Voice,
            "ussd" => n => Ussd(n, ussdSecret),
            _ => throw new OptionException("--scenario must be sms, voice or ussd."),
        };

        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var stopAt = warmup + measure;
        var nextPatient = firstPatient - 1;
        var workers = new Worker[concurrency];
        ProcessStats.Window? window = null;
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = new Worker();
        }
        var tasks = workers.Select(worker => Task.Run(async () =>
        {
            while (clock.Elapsed < stopAt)
            {
                var patient = Interlocked.Increment(ref nextPatient);
                var completed = true;
                foreach (var turn in conversation(patient))
                {
                    if (clock.Elapsed >= stopAt)
                    {
                        completed = false;
                        break;
                    }
                    var started = clock.Elapsed;
                    var error = await SendAsync(http, publicBase, authToken, turn, checkAnswers);
                    var took = clock.Elapsed - started;
                    if (started >= measureFrom && clock.Elapsed <= stopAt)
                    {
                        worker.Record(took, error);
                    }
                    if (error is not null)
                    {
                        completed = false;
                        break;
                    }
                }
                if (completed && clock.Elapsed <= stopAt)
                {
                    worker.Conversations++;
                }
            }
        })).ToList();

        await Task.Delay(measureFrom);
        var counted = await WorkCounters.StartAsync(options.Get("redis", "") is { Length: > 0 } redis ? redis : null,
            options.Get("db", "") is { Length: > 0 } db ? db : null, options.Get("dotnet-counters", "") is { Length: > 0 } tool ? tool : null,
            options.Int("pid", 0), measure);
        window = stats.Start();
        var sampling = Task.Run(async () =>
        {
            while (clock.Elapsed < stopAt)
            {
                window.Sample();
                await Task.Delay(200);
            }
        });
        await Task.WhenAll(tasks);
        await sampling;
        var usage = window.Stop();

        var latencies = workers.SelectMany(w => w.Latencies).ToArray();
        Array.Sort(latencies);
        var errors = workers.SelectMany(w => w.Errors).GroupBy(e => e).ToDictionary(g => g.Key, g => (long)g.Count());
        var seconds = measure.TotalSeconds;
        var result = new Result(
            "load", target, scenario, concurrency, seconds, latencies.Length, workers.Sum(w => w.Conversations), errors.Values.Sum(),
            Math.Round(latencies.Length / seconds, 1),
            Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99), Percentile(latencies, 1.0),
            usage, errors, options.Get("beside", scenario));
        result = result with { Work = await counted.StopAsync(result.Turns, result.TurnsPerSecond) };
        Results.Append(options.Get("out"), result);
        return 0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 2);

    private sealed class Worker
    {
        public List<double> Latencies { get; } = new(16_384);

        public List<string> Errors { get; } = [];

        public long Conversations { get; set; }

        public void Record(TimeSpan took, string? error)
        {
            Latencies.Add(took.TotalMilliseconds);
            if (error is not null)
            {
                Errors.Add(error);
            }
        }
    }

    /// <summary>Null when the answer is the expected one, else what went wrong (an error kind, not a message).</summary>
    private static async Task<string?> SendAsync(HttpClient http, string publicBase, byte[] authToken, Turn turn, bool checkAnswer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, turn.PathAndQuery) { Content = new FormUrlEncodedContent(turn.Form) };
        request.Headers.Add("X-Twilio-Signature", Sign(authToken, publicBase + turn.PathAndQuery, turn.Form));
        request.Headers.Add("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        foreach (var (name, value) in turn.Headers ?? [])
        {
            request.Headers.Add(name, value);
        }
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"HTTP {(int)response.StatusCode}";
            }
            return !checkAnswer || body.Contains(turn.Expect, StringComparison.Ordinal) ? null : "unexpected answer";
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
        catch (HttpRequestException exception)
        {
            return exception.HttpRequestError.ToString();
        }
    }

    /// <summary>X-Twilio-Signature: Base64(HMAC-SHA1(auth token, URL + each name and value, sorted by name)).</summary>
    public static string Sign(byte[] authToken, string url, List<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url, 512);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }
        return Convert.ToBase64String(HMACSHA1.HashData(authToken, Encoding.UTF8.GetBytes(data.ToString())));
    }

    private const string Hospital = "+237233000000";
    private const string AccountSid = "ACbench0000000000000000000000000";

    /// <summary>A Cameroonian mobile number per simulated patient (+23767…, 10 million of them).</summary>
    private static string Phone(int patient) => "+23767" + (patient % 10_000_000).ToString("D7", CultureInfo.InvariantCulture);

    private static string Sid(string prefix) => prefix + Guid.NewGuid().ToString("N");

    /// <summary>Language, rating, comment, thanks: what a patient texting for the first time goes through.</summary>
    private static List<Turn> Sms(int patient)
    {
        var from = Phone(patient);
        return
        [
            new("/twilio/sms", SmsForm(from, "Hello"), "Language?"),
            new("/twilio/sms", SmsForm(from, "1"), "How was your care"),
            new("/twilio/sms", SmsForm(from, "4"), "Tell us more"),
            new("/twilio/sms", SmsForm(from, "The nurses were kind, but we waited two hours at the pharmacy."), "Thank you for your feedback"),
        ];
    }

    /// <summary>The fields Twilio posts for an inbound SMS (all of them are signed).</summary>
    private static List<KeyValuePair<string, string>> SmsForm(string from, string body)
    {
        var sid = Sid("SM");
        return
        [
            new("ToCountry", "CM"), new("ToState", ""), new("SmsMessageSid", sid), new("NumMedia", "0"), new("ToCity", ""),
            new("FromZip", ""), new("SmsSid", sid), new("FromState", ""), new("SmsStatus", "received"), new("FromCity", ""),
            new("Body", body), new("FromCountry", "CM"), new("To", Hospital), new("ToZip", ""), new("NumSegments", "1"),
            new("MessageSid", sid), new("AccountSid", AccountSid), new("From", from), new("ApiVersion", "2010-04-01"),
        ];
    }

    /// <summary>A call: language menu, rating by keypad, comment skipped with *, thanks and hang-up.</summary>
    private static List<Turn> Voice(int patient)
    {
        var from = Phone(patient);
        var callSid = Sid("CA");
        return
        [
            new("/twilio/voice", CallForm(callSid, from, null), "<Gather"),
            new("/twilio/voice?step=1", CallForm(callSid, from, "1"), "How was your care"),
            new("/twilio/voice?step=2", CallForm(callSid, from, "4"), "<Record"),
            new("/twilio/voice?step=3", CallForm(callSid, from, "*"), "<Hangup"),
        ];
    }

    private static List<KeyValuePair<string, string>> CallForm(string callSid, string from, string? digits)
    {
        List<KeyValuePair<string, string>> form =
        [
            new("AccountSid", AccountSid), new("ApiVersion", "2010-04-01"), new("CallSid", callSid), new("CallStatus", "in-progress"),
            new("Called", Hospital), new("CalledCountry", "CM"), new("Caller", from), new("CallerCountry", "CM"),
            new("Direction", "inbound"), new("From", from), new("FromCountry", "CM"), new("To", Hospital), new("ToCountry", "CM"),
        ];
        if (digits is not null)
        {
            form.Add(new("Digits", digits));
            form.Add(new("FinishedOnKey", ""));
        }
        return form;
    }

    /// <summary>A USSD session as Africa's Talking drives it: <c>text</c> grows by <c>*answer</c>.</summary>
    private static List<Turn> Ussd(int patient, string secret)
    {
        var phone = Phone(patient);
        var session = Sid("ATUid_");
        var headers = new Dictionary<string, string> { ["X-Ussd-Secret"] = secret };
        List<KeyValuePair<string, string>> Form(string text) =>
            [new("sessionId", session), new("serviceCode", "*384*1234#"), new("phoneNumber", phone), new("networkCode", "62401"), new("text", text)];
        return
        [
            new("/ussd", Form(""), "CON Language?", headers),
            new("/ussd", Form("1"), "CON Rate your care", headers),
            new("/ussd", Form("1*4"), "CON Thank you", headers),
            new("/ussd", Form("1*4*Good care"), "END Thank you for your feedback", headers),
        ];
    }
}
