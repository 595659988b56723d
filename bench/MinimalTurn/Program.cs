// The minimal correct turn (issue 18): the reference bench/run measures the server against. Per request
// it does what any correct implementation of the 4-step SMS survey (language, rating, comment, thanks)
// must: check X-Twilio-Signature, advance the conversation in Redis in one atomic script that also drops
// a retried MessageSid, INSERT the rating and UPDATE the comment in PostgreSQL (pooled, prepared), and
// answer TwiML. Nothing else: no patient record, encryption, audit, metrics, languages or outage holding.
//
//   MINIMAL_DATABASE  an Npgsql connection string (the server's database; the app owns one table)
//   MINIMAL_REDIS     a StackExchange.Redis configuration (the server's Redis; keys under "minimal:")
//   TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL  as for the server
using Npgsql;
using StackExchange.Redis;
using TwilioFeedback.Bench.MinimalTurn;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

string Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
    ? value : throw new InvalidOperationException($"{name} is required.");

var publicBase = Setting("PUBLIC_BASE_URL").TrimEnd('/');
var signature = new Signature(Setting("TWILIO_AUTH_TOKEN"));
await using var database = NpgsqlDataSource.Create(Setting("MINIMAL_DATABASE"));
var redisConfiguration = ConfigurationOptions.Parse(Setting("MINIMAL_REDIS"));
redisConfiguration.SocketManager = SocketManager.ThreadPool; // as the server (bench/NOTES.md)
using var redis = await ConnectionMultiplexer.ConnectAsync(redisConfiguration);
var survey = new Survey(redis.GetDatabase(), database);
await survey.CreateTableAsync();

app.MapPost("/twilio/sms", async (HttpContext context) =>
{
    var form = await context.Request.ReadFormAsync();
    var url = publicBase + context.Request.Path + context.Request.QueryString;
    if (!signature.Matches(url, form, context.Request.Headers["X-Twilio-Signature"]))
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return;
    }
    var reply = await survey.TurnAsync(form["MessageSid"].ToString(), form["From"].ToString(), form["Body"].ToString());
    context.Response.ContentType = "text/xml; charset=utf-8";
    await context.Response.Body.WriteAsync(reply);
});
app.MapGet("/health/live", () => "Healthy");
app.Run();
