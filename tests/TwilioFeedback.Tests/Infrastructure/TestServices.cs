namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>The PostgreSQL and Redis that scripts/test started for this run.</summary>
public static class TestServices
{
    public static string Postgres => Environment.GetEnvironmentVariable("TF_TEST_POSTGRES")
        ?? throw new InvalidOperationException("TF_TEST_POSTGRES is not set: run the suite with scripts/test, which starts PostgreSQL and Redis.");

    public static string Redis => Environment.GetEnvironmentVariable("TF_TEST_REDIS")
        ?? throw new InvalidOperationException("TF_TEST_REDIS is not set: run the suite with scripts/test, which starts PostgreSQL and Redis.");
}
