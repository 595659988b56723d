using System.Buffers.Binary;
using System.Buffers.Text;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>Where an inbox page ended, in the list's order (queue rank, date submitted, id), as an opaque base64url token.</summary>
public readonly record struct InboxCursor(int Rank, DateTimeOffset DateSubmitted, long Id)
{
    private const int Length = 1 + sizeof(long) + sizeof(long);

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = (byte)Rank;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], DateSubmitted.UtcTicks);
        BinaryPrimitives.WriteInt64BigEndian(bytes[(1 + sizeof(long))..], Id);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The cursor, or null for anything this server did not make.</summary>
    public static InboxCursor? Decode(string cursor)
    {
        Span<byte> bytes = stackalloc byte[Length + 3];
        if (cursor.Length > 32 || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != Length || bytes[0] > 3)
        {
            return null;
        }
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes[1..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }
        return new InboxCursor(bytes[0], new DateTimeOffset(ticks, TimeSpan.Zero), BinaryPrimitives.ReadInt64BigEndian(bytes[(1 + sizeof(long))..]));
    }
}
