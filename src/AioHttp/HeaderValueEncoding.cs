using System.Text;

namespace AioHttp;

/// <summary>
/// How header values become bytes, and server bytes become values we send back. aiohttp writes
/// request headers as UTF-8 (so a non-ASCII value, a cookie included, never fails a request, as
/// .NET's ASCII-only default does) and reads header bytes as UTF-8 with "surrogateescape": a byte
/// that is not part of valid UTF-8 is held as the lone surrogate U+DC80-U+DCFF. Writing turns such
/// a surrogate back into its byte, so a value a server set (Set-Cookie) goes back exactly as it came,
/// whether or not its bytes were UTF-8.
/// </summary>
/// <remarks>
/// Stateless: meant for whole values and whole files, not for a stream read in pieces (a UTF-8
/// sequence cut in two would be escaped byte by byte).
/// </remarks>
internal sealed class HeaderValueEncoding : Encoding
{
    public static readonly HeaderValueEncoding Instance = new();

    private const char EscapeBase = '\uDC00';   // byte b (0x80-0xFF) is held as U+DC00 + b
    private const int ReplacementLength = 3;      // U+FFFD in UTF-8, for a lone surrogate that escapes nothing

    private HeaderValueEncoding() { }

    public override string WebName => "utf-8";
    public override string EncodingName => "UTF-8 (bytes that are not UTF-8 kept)";
    public override bool IsSingleByte => false;

    /// <summary>
    /// A header value as .NET decoded it (Latin-1: one char per byte) to the text it carries: the
    /// UTF-8 in it decoded, any other byte escaped (see the class summary). ASCII comes back as is.
    /// </summary>
    public static string FromLatin1(string value)
    {
        foreach (var c in value)
        {
            if (c >= 0x80) return Instance.GetString(Latin1.GetBytes(value));
        }
        return value;
    }

    /// <summary>True when a char is the escape of one byte that was not UTF-8.</summary>
    public static bool IsEscapedByte(char c) => c is >= '\uDC80' and <= '\uDCFF';

    public override int GetMaxByteCount(int charCount) => checked((charCount + 1) * 3);

    public override int GetMaxCharCount(int byteCount) => checked(byteCount + 1);

    public override int GetByteCount(char[] chars, int index, int count) => GetByteCount(chars.AsSpan(index, count));

    public override int GetByteCount(ReadOnlySpan<char> chars)
    {
        var total = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c < 0x80 || IsEscapedByte(c)) total += 1;
            else if (c < 0x800) total += 2;
            else if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { total += 4; i++; }
            else if (char.IsSurrogate(c)) total += ReplacementLength;
            else total += 3;
        }
        return total;
    }

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        GetBytes(chars.AsSpan(charIndex, charCount), bytes.AsSpan(byteIndex));

    public override int GetBytes(ReadOnlySpan<char> chars, Span<byte> bytes)
    {
        var n = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c < 0x80)
            {
                bytes[n++] = (byte)c;
            }
            else if (IsEscapedByte(c))
            {
                bytes[n++] = (byte)(c - EscapeBase);
            }
            else
            {
                Rune rune;
                if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
                    rune = new Rune(c, chars[++i]);
                else if (char.IsSurrogate(c))
                    rune = Rune.ReplacementChar;
                else
                    rune = new Rune(c);
                n += rune.EncodeToUtf8(bytes[n..]);
            }
        }
        return n;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => GetCharCount(bytes.AsSpan(index, count));

    public override int GetCharCount(ReadOnlySpan<byte> bytes)
    {
        var total = 0;
        while (bytes.Length > 0)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
            {
                total += rune.Utf16SequenceLength;
                bytes = bytes[consumed..];
            }
            else
            {
                total += 1;
                bytes = bytes[1..];
            }
        }
        return total;
    }

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var n = 0;
        while (bytes.Length > 0)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == System.Buffers.OperationStatus.Done)
            {
                n += rune.EncodeToUtf16(chars[n..]);
                bytes = bytes[consumed..];
            }
            else
            {
                // Not UTF-8 (or a sequence cut short): keep this one byte, then try again from the next.
                chars[n++] = (char)(EscapeBase + bytes[0]);
                bytes = bytes[1..];
            }
        }
        return n;
    }
}
