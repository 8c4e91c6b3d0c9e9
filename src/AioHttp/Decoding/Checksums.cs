namespace AioHttp;

/// <summary>
/// CRC-32 as gzip uses it (RFC 1952 8: the ISO 3309 / ITU-T V.42 polynomial, reflected, 0xEDB88320).
/// The framework decodes gzip through zlib, which checks the trailer only when a member ends cleanly
/// and says nothing about a member cut short, so the gzip decoder checks each member itself.
/// Slicing-by-8 tables: eight bytes per step, fast enough to sit beside inflate.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (0 to start) over <paramref name="data"/>, as zlib's crc32() does.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        crc = ~crc;
        while (data.Length >= 8)
        {
            var low = crc ^ (uint)(data[0] | data[1] << 8 | data[2] << 16 | data[3] << 24);
            crc = table[7 * 256 + (low & 0xFF)] ^ table[6 * 256 + ((low >> 8) & 0xFF)] ^
                  table[5 * 256 + ((low >> 16) & 0xFF)] ^ table[4 * 256 + (low >> 24)] ^
                  table[3 * 256 + data[4]] ^ table[2 * 256 + data[5]] ^
                  table[1 * 256 + data[6]] ^ table[data[7]];
            data = data[8..];
        }
        foreach (var b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        for (var n = 0; n < 256; n++)
        {
            for (var slice = 1; slice < 8; slice++)
            {
                var previous = table[(slice - 1) * 256 + n];
                table[slice * 256 + n] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }
        return table;
    }
}

/// <summary>Adler-32, zlib's trailer checksum (RFC 1950 8.2).</summary>
internal static class Adler32
{
    private const uint Base = 65521;
    // The most bytes that can be summed before the 32-bit sums must be reduced (zlib's NMAX).
    private const int MaxRun = 5552;

    /// <summary>Continues <paramref name="adler"/> (1 to start) over <paramref name="data"/>.</summary>
    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint a = adler & 0xFFFF, b = adler >> 16;
        while (data.Length > 0)
        {
            var run = Math.Min(data.Length, MaxRun);
            foreach (var x in data[..run])
            {
                a += x;
                b += a;
            }
            a %= Base;
            b %= Base;
            data = data[run..];
        }
        return b << 16 | a;
    }
}
