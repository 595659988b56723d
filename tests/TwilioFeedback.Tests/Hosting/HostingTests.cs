using Npgsql;
using System.Net;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Configuration;

namespace TwilioFeedback.Tests.Hosting;

public sealed class HealthTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health/full")]
    public async Task Health_endpoints_answer_healthy_with_PostgreSQL_and_Redis_up(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_feedback_API_and_the_webhook()
    {
        var document = await Client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/feedback", document);
        Assert.Contains("/twilio/sms", document);
    }

    [Fact]
    public async Task The_OpenAPI_document_shows_examples_in_the_seeds_shapes()
    {
        var schemas = System.Text.Json.JsonDocument.Parse(await Client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("components").GetProperty("schemas");
        var feedback = schemas.GetProperty("FeedbackRequest").GetProperty("examples")[0];
        Assert.Equal(("PAT123", "french", 5), (feedback.GetProperty("patient_id").GetString(), feedback.GetProperty("language").GetString(), feedback.GetProperty("rating").GetInt32()));
        Assert.Equal("+237677123456", schemas.GetProperty("ReminderRequest").GetProperty("examples")[0].GetProperty("phone_number").GetString());
    }

    public static TheoryData<string> ExampleTypes => [.. TwilioFeedback.Webhooks.Api.ApiExamples.All.Keys.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(ExampleTypes))]
    public void Each_example_reads_as_its_type_with_no_unknown_field(string typeName)
    {
        var (type, example) = TwilioFeedback.Webhooks.Api.ApiExamples.All.Single(e => e.Key.Name == typeName);
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        };
        Assert.NotNull(System.Text.Json.JsonSerializer.Deserialize(example, type, options));
    }
}

/// <summary>Start-up refuses a configuration it cannot run with, naming the setting.</summary>
public sealed class StartupValidationTests
{
    private sealed class WithoutSecret : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Security:SecretKey"] = "" };
    }

    private sealed class WithHalfAnAccount : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Twilio:AccountSid"] = "AC123", ["Twilio:AuthToken"] = "", ["Twilio:PhoneNumber"] = "+237233000000" };
    }

    /// <summary>What start-up said when it refused to start: the exception, or the host's log of it.</summary>
    private static string StartupFailure(AppFactory factory)
    {
        var error = Record.Exception(() => factory.Server);
        Assert.NotNull(error);
        return error + string.Join('\n', factory.Logs.Lines);
    }

    [Fact]
    public void A_missing_secret_key_stops_start_up_naming_SECRET_KEY()
    {
        using var factory = new WithoutSecret();
        Assert.Contains("SECRET_KEY", StartupFailure(factory));
    }

    [Fact]
    public void An_account_without_its_token_stops_start_up_naming_the_setting()
    {
        using var factory = new WithHalfAnAccount();
        Assert.Contains("Twilio:AuthToken is required", StartupFailure(factory));
    }
}

public sealed class ConnectionUrlTests
{
    [Fact]
    public void DATABASE_URL_becomes_an_Npgsql_connection_string()
    {
        var connection = ConnectionUrls.Postgres("postgresql://feedback:s%40cret@db.example.org:6543/hospital?sslmode=require");
        Assert.Contains("Host=db.example.org", connection);
        Assert.Contains("Port=6543", connection);
        Assert.Contains("Database=hospital", connection);
        Assert.Contains("Username=feedback", connection);
        Assert.Contains("Password=s@cret", connection);
        Assert.Contains("SSL Mode=Require", connection);
    }

    [Fact]
    public void A_plain_connection_string_is_kept() =>
        Assert.Equal("Host=x;Database=y", ConnectionUrls.Postgres("Host=x;Database=y"));

    [Fact]
    public void Statements_are_prepared_and_pooled_connections_not_reset_unless_the_connection_string_says_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(ConnectionUrls.WithPostgresDefaults("Host=x;Database=y"));
        Assert.Equal((64, 2, true), (tuned.MaxAutoPrepare, tuned.AutoPrepareMinUsages, tuned.NoResetOnClose));

        var chosen = new NpgsqlConnectionStringBuilder(ConnectionUrls.WithPostgresDefaults("Host=x;Database=y;Max Auto Prepare=0;NoResetOnClose=false"));
        Assert.Equal((0, false), (chosen.MaxAutoPrepare, chosen.NoResetOnClose));
        Assert.Equal("", ConnectionUrls.WithPostgresDefaults(""));
    }

    [Theory]
    [InlineData("redis://127.0.0.1:6380", "127.0.0.1:6380,abortConnect=false")]
    [InlineData("redis://:pw@cache:6379/2", "cache:6379,abortConnect=false,password=pw,defaultDatabase=2")]
    [InlineData("rediss://user:pw@cache:6380", "cache:6380,abortConnect=false,password=pw,user=user,ssl=true")]
    [InlineData("localhost:6379", "localhost:6379")]
    public void REDIS_URL_becomes_a_StackExchange_configuration(string url, string expected) =>
        Assert.Equal(expected, ConnectionUrls.Redis(url));
}
