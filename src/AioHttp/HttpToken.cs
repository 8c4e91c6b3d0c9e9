using System.Buffers;

namespace AioHttp;

/// <summary>
/// RFC 9110 5.6.2's token: one or more tchar (letters, digits and !#$%&amp;'*+-.^_`|~), the rule of
/// field names, methods, cookie names and parameter names. One definition for every check of it,
/// on text the caller gives and on bytes a server sends.
/// </summary>
internal static class HttpToken
{
    private const string TChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly SearchValues<char> Chars = SearchValues.Create(TChars);
    private static readonly SearchValues<byte> Bytes = SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    public static bool IsTokenChar(char c) => Chars.Contains(c);

    public static bool IsToken(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExcept(Chars);

    public static bool IsToken(ReadOnlySpan<byte> s) => !s.IsEmpty && !s.ContainsAnyExcept(Bytes);
}
