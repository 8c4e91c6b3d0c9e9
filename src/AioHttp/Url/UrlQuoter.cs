// Component-aware percent-encoding, with the character sets yarl uses for each URL part.
//
// A quoter walks the UTF-8 bytes of its input:
//   * a byte in the component's safe set is copied;
//   * with requoting on, a valid "%XX" is upper-cased, then decoded to its character when that
//     character is safe and not protected in the component, otherwise kept as "%XX";
//     a '%' not followed by two hex digits becomes "%25";
//   * with requoting off, '%' is just another unsafe byte ("%25");
//   * in query mode (qs) a space becomes '+';
//   * every other byte becomes "%XX" (upper-case hex), so non-ASCII goes out as UTF-8.
using System.Text;

namespace AioHttp;

internal sealed class UrlQuoter
{
    // RFC 3986 unreserved plus the sub-delims that never carry meaning in any component.
    private const string Unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    private const string SubDelimsWithoutQs = "!$'()*,";
    private const string QsDelims = "+&=;";

    /// <summary>UTF-8 that silently drops lone surrogates, as Python's encode(errors="ignore") does.</summary>
    internal static readonly Encoding Utf8 =
        Encoding.GetEncoding("utf-8", new EncoderReplacementFallback(""), new DecoderReplacementFallback("\uFFFD"));

    private readonly bool[] _safe = new bool[128];
    private readonly bool[] _protected = new bool[128];
    private readonly bool _qs;
    private readonly bool _requote;

    private UrlQuoter(string safe = "", string protectedChars = "", bool qs = false, bool requote = true)
    {
        foreach (var c in Unreserved + SubDelimsWithoutQs + safe + protectedChars) _safe[c] = true;
        if (!qs) foreach (var c in QsDelims) _safe[c] = true;
        foreach (var c in protectedChars) _protected[c] = true;
        _qs = qs;
        _requote = requote;
    }

    /// <summary>User info, no requoting (yarl QUOTER).</summary>
    public static readonly UrlQuoter Quoter = new(requote: false);
    /// <summary>User info as found in a URL string (yarl REQUOTER).</summary>
    public static readonly UrlQuoter Requoter = new();
    /// <summary>Path given decoded (yarl PATH_QUOTER).</summary>
    public static readonly UrlQuoter PathQuoter = new("@:", "/+", requote: false);
    /// <summary>Path as found in a URL string: %2F and %2B stay encoded (yarl PATH_REQUOTER).</summary>
    public static readonly UrlQuoter PathRequoter = new("@:", "/+");
    /// <summary>Query string given decoded, e.g. params as a string (yarl QUERY_QUOTER).</summary>
    public static readonly UrlQuoter QueryQuoter = new("?/:@", "=+&;", qs: true, requote: false);
    /// <summary>Query as found in a URL string: %3D %2B %26 %3B stay encoded (yarl QUERY_REQUOTER).</summary>
    public static readonly UrlQuoter QueryRequoter = new("?/:@", "=+&;", qs: true);
    /// <summary>One key or value of a params mapping: everything meaningful is escaped (yarl QUERY_PART_QUOTER).</summary>
    public static readonly UrlQuoter QueryPartQuoter = new("?/:@", qs: true, requote: false);
    /// <summary>Fragment given decoded (yarl FRAGMENT_QUOTER).</summary>
    public static readonly UrlQuoter FragmentQuoter = new("?/:@", requote: false);
    /// <summary>Fragment as found in a URL string (yarl FRAGMENT_REQUOTER).</summary>
    public static readonly UrlQuoter FragmentRequoter = new("?/:@");

    public string Quote(string value)
    {
        if (string.IsNullOrEmpty(value)) return value;
        var bytes = Utf8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length + 8);
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == (byte)'%' && _requote)
            {
                if (i + 2 < bytes.Length && IsHex(bytes[i + 1]) && IsHex(bytes[i + 2]))
                {
                    var v = (HexVal(bytes[i + 1]) << 4) | HexVal(bytes[i + 2]);
                    if (v < 128 && _protected[v]) AppendPct(sb, v);
                    else if (v < 128 && _safe[v]) sb.Append((char)v);
                    else AppendPct(sb, v);
                    i += 3;
                    continue;
                }
                // A stray '%': escape it and look at what follows on its own.
                sb.Append("%25");
                i++;
                continue;
            }
            if (_qs && b == (byte)' ')
            {
                sb.Append('+');
            }
            else if (b < 128 && _safe[b])
            {
                sb.Append((char)b);
            }
            else
            {
                AppendPct(sb, b);
            }
            i++;
        }
        return sb.ToString();
    }

    private static void AppendPct(StringBuilder sb, int v)
    {
        const string hex = "0123456789ABCDEF";
        sb.Append('%').Append(hex[v >> 4]).Append(hex[v & 15]);
    }

    internal static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';
    internal static bool IsHex(char b) => b < 128 && IsHex((byte)b);

    internal static int HexVal(int b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>
    /// Decode %XX escapes as UTF-8 (yarl's UNQUOTER): sequences that are not valid UTF-8 are left
    /// as they were written; '+' stays '+'.
    /// </summary>
    public static string Unquote(string value)
    {
        if (string.IsNullOrEmpty(value) || value.IndexOf('%') < 0) return value;
        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                // Gather the run of consecutive escapes, then decode it.
                var start = i;
                var run = new List<byte>();
                while (i + 2 < value.Length && value[i] == '%' && IsHex(value[i + 1]) && IsHex(value[i + 2]))
                {
                    run.Add((byte)((HexVal(value[i + 1]) << 4) | HexVal(value[i + 2])));
                    i += 3;
                }
                DecodeRun(run, value, start, sb);
                continue;
            }
            sb.Append(value[i]);
            i++;
        }
        return sb.ToString();
    }

    // Decode a run of escaped bytes: each well-formed UTF-8 sequence becomes its character,
    // every other byte keeps its original "%XX" spelling.
    private static void DecodeRun(List<byte> run, string source, int start, StringBuilder sb)
    {
        var k = 0;
        while (k < run.Count)
        {
            var len = Utf8SequenceLength(run, k);
            if (len > 0)
            {
                sb.Append(Encoding.UTF8.GetString(run.GetRange(k, len).ToArray()));
                k += len;
            }
            else
            {
                sb.Append(source, start + k * 3, 3);
                k++;
            }
        }
    }

    private static int Utf8SequenceLength(List<byte> run, int k)
    {
        var b0 = run[k];
        if (b0 < 0x80) return 1;
        int len; int min;
        if (b0 is >= 0xC2 and <= 0xDF) { len = 2; min = 0x80; }
        else if (b0 is >= 0xE0 and <= 0xEF) { len = 3; min = 0x800; }
        else if (b0 is >= 0xF0 and <= 0xF4) { len = 4; min = 0x10000; }
        else return 0;
        if (k + len > run.Count) return 0;
        var cp = b0 & (0xFF >> (len + 1));
        for (var j = 1; j < len; j++)
        {
            var b = run[k + j];
            if ((b & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || cp is >= 0xD800 and <= 0xDFFF) return 0;
        return len;
    }
}
