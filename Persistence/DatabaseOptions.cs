using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Persistence;

/// <summary>PostgreSQL settings: <c>ConnectionStrings:Postgres</c> (or <c>DATABASE_URL</c>).</summary>
public sealed class DatabaseOptions
{
    [Required(ErrorMessage = "ConnectionStrings:Postgres (or DATABASE_URL) is required.")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Apply pending EF Core migrations at start-up (scripts/run and containers do).</summary>
    public bool ApplyMigrations { get; set; }
}
