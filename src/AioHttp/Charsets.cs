using System.Text;

namespace AioHttp;

/// <summary>
/// Charset names to encodings, and the fallback for bodies that do not name one. Code pages
/// (windows-1251, shift_jis, ...) are registered once so Text('windows-1251') works as in aiohttp.
/// </summary>
public static class Charsets
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encoding for a charset name, or null when the name is unknown.</summary>
    public static Encoding? GetEncoding(string name)
    {
        name = name.Trim().Trim('"', '\'');
        if (name.Length == 0) return null;
        try
        {
            var encoding = Encoding.GetEncoding(name);
            // UTF-8 without a BOM preamble, so decoded text never starts with U+FEFF from us.
            return encoding is UTF8Encoding ? new UTF8Encoding(false) : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The encoding for a charset name; an unknown name is an error naming it.</summary>
    public static Encoding GetEncodingOrThrow(string name) =>
        GetEncoding(name) ?? throw new ArgumentException(
            $"Unknown encoding '{name}'. Use a name such as 'utf-8', 'windows-1251' or 'iso-8859-1'.", nameof(name));

    /// <summary>
    /// The fallback when the response names no charset (aiohttp guesses from the bytes): a BOM wins,
    /// then UTF-8 when the bytes are valid UTF-8, else windows-1252 (which decodes any byte).
    /// </summary>
    public static Encoding Detect(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) return new UTF8Encoding(false);
        if (body.StartsWith(new byte[] { 0xFF, 0xFE })) return Encoding.Unicode;
        if (body.StartsWith(new byte[] { 0xFE, 0xFF })) return Encoding.BigEndianUnicode;
        try
        {
            StrictUtf8.GetCharCount(body);
            return new UTF8Encoding(false);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252);
        }
    }

    /// <summary>Decodes, dropping a BOM that matches the encoding.</summary>
    public static string Decode(ReadOnlySpan<byte> body, Encoding encoding)
    {
        var preamble = encoding.Preamble;
        if (preamble.Length > 0 && body.StartsWith(preamble)) body = body[preamble.Length..];
        else if (encoding.CodePage == 65001 && body.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) body = body[3..];
        return encoding.GetString(body);
    }
}
