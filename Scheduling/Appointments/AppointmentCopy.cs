using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>
/// Writes new rows with PostgreSQL's binary COPY, in the transaction the context has open, each column as the EF model
/// maps it: its name and its value converter, so patient data is encrypted exactly as <c>SaveChanges</c> would write it.
/// Store-generated keys (identity columns) are left to the database and not read back. For an import's thousands of
/// reminders, where one INSERT each kept PostgreSQL busy for most of the import.
/// </summary>
public static class AppointmentCopy
{
    public static async Task WriteAsync<T>(DbContext db, IReadOnlyCollection<T> rows, CancellationToken ct)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Where(p => !(p.ValueGenerated == ValueGenerated.OnAdd && p.ClrType is var type && (type == typeof(long) || type == typeof(int))))
            .Select(p => (Property: p, Name: p.GetColumnName(table)!, Getter: p.GetGetter(), Converter: p.GetTypeMapping().Converter))
            .ToList();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var copy = $"COPY {Quote(table.Name)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var (_, _, getter, converter) in columns)
            {
                var value = getter.GetClrValueUsingContainingEntity(row);
                value = value is null || converter is null ? value : converter.ConvertToProvider(value);
                if (value is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    // timestamptz takes UTC only; the model's times are instants, so the offset is only how they were made.
                    await importer.WriteAsync(value is DateTimeOffset at ? at.ToUniversalTime() : value, ct);
                }
            }
        }
        await importer.CompleteAsync(ct);
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
