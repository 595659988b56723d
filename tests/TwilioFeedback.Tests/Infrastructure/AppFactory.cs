using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Npgsql;
using Respawn;
using StackExchange.Redis;
using TwilioFeedback.Persistence;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>
/// The real server over HTTP, on a database and a Redis key prefix of its own (one per test class,
/// so classes run in parallel), with a clock the tests move.
/// </summary>
public class AppFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AuthToken = "test-auth-token-0123456789abcdef";
    public const string PublicBaseUrl = "https://feedback.example.org";
    public const string SecretKey = "test-secret-key-not-for-production";

    /// <summary>A token as <c>scripts/token</c> mints it, valid around the tests' clock and the real one.</summary>
    public static string Token(string role, string name = "Test Nurse", DateTimeOffset? issued = null, TimeSpan? lifetime = null, string secret = SecretKey) =>
        TwilioFeedback.Webhooks.Accounts.StaffAuth.Mint(secret, name, role, lifetime ?? TimeSpan.FromDays(60), issued ?? Start.AddDays(-1));

    /// <summary>A client carrying a token with <paramref name="role"/> (or none).</summary>
    public HttpClient ClientWith(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }
        return client;
    }

    private Respawner? _respawner;

    public string DatabaseName { get; } = "tf_" + Guid.NewGuid().ToString("N")[..16];

    public string KeyPrefix => DatabaseName + ":";

    /// <summary>Where every test's clock starts: a Tuesday, 10:00 in Douala.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public TestClock Clock { get; } = new(Start);

    public LogCapture Logs { get; } = new();

    public string ConnectionString => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = DatabaseName }.ConnectionString;

    /// <summary>The PostgreSQL server this class's database lives on: the run's shared one unless a fault test brings its own.</summary>
    protected virtual string AdminConnectionString => TestServices.Postgres;

    /// <summary>The Redis this class uses: the run's shared one unless a fault test brings its own.</summary>
    protected virtual string RedisConfiguration => TestServices.Redis;

    /// <summary>Starts what the server needs before it starts itself (a fault test's own PostgreSQL or Redis).</summary>
    protected virtual Task StartServicesAsync() => Task.CompletedTask;

    /// <summary>Stops what <see cref="StartServicesAsync"/> started, once the database is dropped.</summary>
    protected virtual Task StopServicesAsync() => Task.CompletedTask;

    /// <summary>Settings a test class can add or override.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = ConnectionString,
                ["Database:ApplyMigrations"] = "true",
                ["Redis:Configuration"] = RedisConfiguration,
                ["Redis:KeyPrefix"] = KeyPrefix,
                ["RateLimits:SignInPermitsPerMinute"] = "1000", // the auth matrix signs in once a row, all from 127.0.0.1
                ["RateLimits:SignInPermitsPerAccountPerMinute"] = "1000", // and as the same three accounts; the budgets have their own tests
                ["Twilio:AuthToken"] = AuthToken,
                ["Webhooks:PublicBaseUrl"] = PublicBaseUrl,
                ["Security:SecretKey"] = SecretKey,
                ["Analysis:RunOnSchedule"] = "false", // tests run the job themselves
                // Tests reuse a few numbers at full speed; the budget has its own tests (PatientRateLimitTests).
                ["RateLimits:PatientPermitsPerMinute"] = "100000",
                // Our Debug lines too (one a message, one a reminder): the log scans read every line we write.
                ["Logging:LogLevel:TwilioFeedback"] = "Debug",
            };
            foreach (var (key, value) in Settings)
            {
                settings[key] = value;
            }
            configuration.AddInMemoryCollection(settings);
        });
        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            // Each provider call may use its whole budget. The product gives one attempt 10 s (Polly's default), plenty for
            // Twilio; but on a 2-core machine running the suite beside builds, the in-process stub was seen to take over 10 s to
            // answer, and the send was then reported as failed. Nothing tested depends on the attempt timeout itself.
            services.PostConfigureAll<HttpStandardResilienceOptions>(resilience =>
            {
                resilience.AttemptTimeout.Timeout = resilience.TotalRequestTimeout.Timeout;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(resilience.CircuitBreaker.SamplingDuration.Ticks,
                    2 * resilience.AttemptTimeout.Timeout.Ticks));
            });
        });
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public async Task InitializeAsync()
    {
        await StartServicesAsync();
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        StartHost(); // migrations are applied at start-up
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = ["__EFMigrationsHistory", "data_protection_keys"], // like a real server's keys, they outlive the tests
        });
    }

    /// <summary>Starts the in-memory test server; a factory on a real socket starts Kestrel instead.</summary>
    protected virtual void StartHost() => _ = Server;

    /// <summary>Empties the tables and this class's Redis keys and puts the clock back: each test starts clean.</summary>
    public virtual async Task ResetAsync()
    {
        Clock.SetUtcNow(Start);
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await _respawner!.ResetAsync(connection);
        }
        await ResetRedisAsync();
        // The studio's catalogue (approved texts, live languages, preview numbers) forgets the last test's at once, not within 2 s.
        await Services.GetRequiredService<TwilioFeedback.Webhooks.Web.Studio.StudioCatalogue>().ReloadAsync(force: true, CancellationToken.None);
        // The prompt catalogue's snapshot forgets the recordings that went with the tables.
        Services.GetRequiredService<TwilioFeedback.Webhooks.Voice.PromptCatalog>().Invalidate();
    }

    /// <summary>Forgets this class's Redis keys (conversations, remembered replies), as a Redis restart would.</summary>
    public async Task ResetRedisAsync()
    {
        var redis = Services.GetRequiredService<IConnectionMultiplexer>();
        // The server's Redis timeout is short (1.5 s) for patients' sake; on a loaded machine a SCAN of the
        // test Redis can take longer, so the reset (not the code under test) tries again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                foreach (var endpoint in redis.GetEndPoints())
                {
                    var keys = new List<RedisKey>();
                    await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: KeyPrefix + "*", pageSize: 1000))
                    {
                        keys.Add(key);
                    }
                    if (keys.Count > 0)
                    {
                        await redis.GetDatabase().KeyDeleteAsync([.. keys]);
                    }
                }
                return;
            }
            catch (RedisTimeoutException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>A DbContext on this class's database, for assertions on rows.</summary>
    public FeedbackDbContext Db()
    {
        var scope = Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        await StopServicesAsync();
    }
}

/// <summary>A test class on a fresh database: tables and Redis keys emptied before each test.</summary>
public abstract class IntegrationTest<TFactory>(TFactory factory) : IClassFixture<TFactory>, IAsyncLifetime
    where TFactory : AppFactory
{
    protected TFactory Factory { get; } = factory;

    /// <summary>An admin's client: webhooks ignore the token, the API needs it.</summary>
    protected HttpClient Client { get; } = factory.ClientWith(AppFactory.Token("admin"));

    public Task InitializeAsync() => Factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
