using System.Security;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace TwilioFeedback.Bench.MinimalTurn;

/// <summary>The 4-step SMS survey: one Redis script a turn, then at most one PostgreSQL statement.</summary>
public sealed class Survey(IDatabase redis, NpgsqlDataSource database)
{
    // KEYS[1] the conversation (a hash: step, feedback id), KEYS[2] the MessageSid seen.
    // ARGV[1] the message as the step reads it, ARGV[2] a new feedback id. Returns {outcome, feedback id}.
    private const string Advance = """
        if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', 86400) then return {'retried', ''} end
        local step = redis.call('HGET', KEYS[1], 's')
        local input = ARGV[1]
        if not step then
          redis.call('HSET', KEYS[1], 's', 'language')
          redis.call('EXPIRE', KEYS[1], 3600)
          return {'language', ''}
        elseif step == 'language' then
          if input ~= '1' and input ~= '2' then return {'language', ''} end
          redis.call('HSET', KEYS[1], 's', 'rating', 'l', input)
          redis.call('EXPIRE', KEYS[1], 3600)
          return {'rating', ''}
        elseif step == 'rating' then
          if not string.match(input, '^[1-5]$') then return {'rating', ''} end
          redis.call('HSET', KEYS[1], 's', 'comment', 'f', ARGV[2])
          redis.call('EXPIRE', KEYS[1], 3600)
          return {'rated', ARGV[2]}
        end
        local feedback = redis.call('HGET', KEYS[1], 'f')
        redis.call('DEL', KEYS[1])
        return {'commented', feedback}
        """;

    private static readonly byte[] Empty = Twiml(null);
    private static readonly byte[] AskLanguage = Twiml("Language?\n1 English\n2 Français");
    private static readonly byte[] AskRating = Twiml("How was your care at the hospital? Reply 1 (very bad) to 5 (very good).");
    private static readonly byte[] AskComment = Twiml("Thank you! Tell us more in one message, or reply 0 to skip.");
    private static readonly byte[] Thanks = Twiml("Thank you for your feedback. It helps us care for you better.");

    public async Task CreateTableAsync()
    {
        await using var command = database.CreateCommand("""
            CREATE TABLE IF NOT EXISTS bench_minimal_feedback (
              id uuid PRIMARY KEY, phone text NOT NULL, rating int NOT NULL, comment text,
              created_at timestamptz NOT NULL DEFAULT now())
            """);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<byte[]> TurnAsync(string messageSid, string from, string body)
    {
        var input = body.Trim();
        var result = (RedisResult[])(await redis.ScriptEvaluateAsync(Advance,
            [new RedisKey("minimal:conversation:" + from), new RedisKey("minimal:sid:" + messageSid)],
            [input, Guid.CreateVersion7().ToString()]))!;
        var outcome = (string)result[0]!;
        switch (outcome)
        {
            case "retried":
                return Empty;
            case "language":
                return AskLanguage;
            case "rating":
                return AskRating;
            case "rated":
                await ExecuteAsync("INSERT INTO bench_minimal_feedback (id, phone, rating) VALUES ($1, $2, $3)",
                    Guid.Parse((string)result[1]!), from, int.Parse(input, System.Globalization.CultureInfo.InvariantCulture));
                return AskComment;
            default:
                await ExecuteAsync("UPDATE bench_minimal_feedback SET comment = $2 WHERE id = $1",
                    Guid.Parse((string)result[1]!), input == "0" ? null : input);
                return Thanks;
        }
    }

    private async Task ExecuteAsync(string sql, Guid id, params object?[] values)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { NpgsqlDbType = NpgsqlDbType.Uuid, TypedValue = id });
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                int number => new NpgsqlParameter<int> { TypedValue = number },
                string text => new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = text },
                _ => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = DBNull.Value },
            });
        }
        await command.PrepareAsync(); // once per physical connection: Npgsql keeps it across the pool
        await command.ExecuteNonQueryAsync();
    }

    private static byte[] Twiml(string? message) => Encoding.UTF8.GetBytes(message is null
        ? "<?xml version=\"1.0\" encoding=\"utf-8\"?><Response/>"
        : $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Response><Message>{SecurityElement.Escape(message)}</Message></Response>");
}
