using Npgsql;

namespace TwilioFeedback.Webhooks.Configuration;

/// <summary>Turns the URL-style settings users already have into .NET connection strings.</summary>
public static class ConnectionUrls
{
    /// <summary><c>postgresql://user:pass@host:port/db?sslmode=require</c> → an Npgsql connection string.</summary>
    public static string Postgres(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql"))
        {
            // Already a connection string (Host=…;Database=…).
            return url;
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }
        if (userInfo.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase) && parts.Length == 2)
            {
                builder.SslMode = Enum.Parse<SslMode>(parts[1].Replace("-", ""), ignoreCase: true);
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// Npgsql settings the hot path needs, unless the connection string sets them: statements run
    /// again and again (the patient lookup, the rating insert) are prepared once per connection, so
    /// PostgreSQL stops parsing and planning them on every message. A pooled connection is not reset
    /// when it is handed back: the reset is several extra statements before the next command, and this
    /// server leaves no session state behind (no SET, temporary tables, LISTEN or advisory locks).
    /// </summary>
    public static string WithPostgresDefaults(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }
        // NpgsqlConnectionStringBuilder.ContainsKey is true for every keyword it knows: ask a plain builder what was written.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Given(params string[] names) => names.Any(given.ContainsKey);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Given("Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            if (!Given("Auto Prepare Min Usages", "AutoPrepareMinUsages"))
            {
                builder.AutoPrepareMinUsages = 2;
            }
        }
        if (!Given("No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }

    /// <summary><c>redis://[:password@]host:port[/db]</c> or <c>rediss://…</c> → a StackExchange.Redis configuration.</summary>
    public static string Redis(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss"))
        {
            return url;
        }
        var parts = new List<string> { $"{uri.Host}:{(uri.Port > 0 ? uri.Port : 6379)}", "abortConnect=false" };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo.Length == 2 && userInfo[1].Length > 0)
        {
            parts.Add($"password={Uri.UnescapeDataString(userInfo[1])}");
            if (userInfo[0].Length > 0)
            {
                parts.Add($"user={Uri.UnescapeDataString(userInfo[0])}");
            }
        }
        if (int.TryParse(uri.AbsolutePath.Trim('/'), out var database))
        {
            parts.Add($"defaultDatabase={database}");
        }
        if (uri.Scheme == "rediss")
        {
            parts.Add("ssl=true");
        }
        return string.Join(',', parts);
    }
}
