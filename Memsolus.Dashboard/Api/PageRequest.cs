using System.Buffers.Binary;
using System.Buffers.Text;

namespace Memsolus.Dashboard.Api;

// limit (1–100, default 20) and an opaque cursor: the position after the last item returned.
internal readonly record struct PageRequest(int Limit, long? After)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static bool TryParse(string? limit, string? cursor, out PageRequest page, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var size = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, out size) || size is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        }

        long? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (DecodeCursor(cursor) is { } position)
            {
                after = position;
            }
            else
            {
                errors["cursor"] = ["cursor is not one this API returned."];
            }
        }

        page = new PageRequest(size, after);
        return errors.Count == 0;
    }

    public static string EncodeCursor(long position)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, position);
        return Base64Url.EncodeToString(bytes);
    }

    private static long? DecodeCursor(string cursor)
    {
        Span<byte> bytes = stackalloc byte[9];
        // IsValid first: TryDecodeFromChars throws, rather than returning false, on text that is not Base64Url.
        if (cursor.Length > 16 || !Base64Url.IsValid(cursor, out var length) || length != 8
            || !Base64Url.TryDecodeFromChars(cursor, bytes, out var written) || written != 8)
        {
            return null;
        }

        var position = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return position > 0 ? position : null;
    }

    // Callers fetch Limit + 1 rows, newest first: the extra row says whether there is a next page.
    public Page<TOut> ToPage<TIn, TOut>(List<TIn> rows, Func<TIn, long> position, Func<TIn, TOut> map)
    {
        var more = rows.Count > Limit;
        var items = more ? rows.GetRange(0, Limit) : rows;
        return new Page<TOut>(items.Select(map).ToList(), more ? EncodeCursor(position(items[^1])) : null);
    }
}
