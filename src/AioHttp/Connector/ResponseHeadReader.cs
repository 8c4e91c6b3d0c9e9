using System.Globalization;
using System.Text;

namespace AioHttp;

/// <summary>
/// Reads the head of an HTTP/1.x response as its bytes arrive, before SocketsHttpHandler parses it, and
/// names the framing faults SocketsHttpHandler would let through: a Content-Length that is repeated, a
/// list, signed, or too large; Content-Length together with Transfer-Encoding; a transfer coding other
/// than one final chunked; whitespace between a header name and its colon; a 101 that nobody asked for.
/// Each of them lets two parsers disagree on where the response ends (RFC 9112 6.3, 11.2), which is how
/// responses are smuggled; aiohttp's parser refuses them all, and so does this.
/// </summary>
internal sealed class ResponseHeadReader
{
    // SocketsHttpHandler refuses heads over 64 KiB itself; past this we stop looking and let it.
    private const int MaxHeadBytes = 256 * 1024;

    private readonly bool _asksUpgrade;
    // Only for a head that arrives in pieces: the usual head, whole in one read, is checked where it lies.
    private byte[]? _buffer;
    private int _length;

    public ResponseHeadReader(bool asksUpgrade) => _asksUpgrade = asksUpgrade;

    /// <summary>True once the final head (not a 1xx interim one) has been read, or the head was given up on.</summary>
    public bool Done { get; private set; }

    /// <summary>True when the final head was a 101 the request asked for: what follows is another protocol.</summary>
    public bool Upgraded { get; private set; }

    /// <summary>Takes the next bytes received; returns what is wrong with the head, or null.</summary>
    public string? Feed(ReadOnlySpan<byte> data)
    {
        if (Done || data.IsEmpty) return null;
        if (_length == 0)
        {
            var problem = CheckHeads(ref data);
            if (problem is not null || Done || data.IsEmpty) return problem;
        }
        // What is left is the start of a head: keep it until the rest arrives.
        if (_length + data.Length > MaxHeadBytes)
        {
            GiveUp();
            return null;
        }
        if (_buffer is null || _length + data.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(Math.Max(2048, (_buffer?.Length ?? 0) * 2), _length + data.Length));
        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;

        ReadOnlySpan<byte> pending = _buffer.AsSpan(0, _length);
        var found = CheckHeads(ref pending);
        if (found is null && !Done && pending.Length < _length)
        {
            // Interim heads were read: keep only the head that follows them.
            pending.CopyTo(_buffer);
            _length = pending.Length;
        }
        return found;
    }

    // Checks each complete head at the start of data (interim ones, then the final one); data is left at what follows.
    private string? CheckHeads(ref ReadOnlySpan<byte> data)
    {
        while (!Done && FindHeadEnd(data) is var end and > 0)
        {
            var head = data[..end];
            data = data[end..];
            var status = 0;
            if (!LooksFine(head, _asksUpgrade, ref status))
            {
                var problem = Check(Encoding.Latin1.GetString(head), _asksUpgrade, out status);
                if (problem is not null) return problem;
            }
            // An interim response (100 Continue, 103 Early Hints): the final one follows.
            if (status is >= 100 and < 200 && status != 101) continue;
            Upgraded = status == 101;
            GiveUp();
        }
        return null;
    }

    private void GiveUp()
    {
        Done = true;
        _buffer = null;
        _length = 0;
    }

    /// <summary>The length of the head including its blank line (CRLF or bare LF line ends, RFC 9112 2.2), or 0.</summary>
    private static int FindHeadEnd(ReadOnlySpan<byte> bytes)
    {
        for (var i = bytes.IndexOf((byte)'\n'); i >= 0 && i < bytes.Length - 1;)
        {
            if (bytes[i + 1] == '\n') return i + 2;
            if (bytes[i + 1] == '\r' && i + 2 < bytes.Length && bytes[i + 2] == '\n') return i + 3;
            var next = bytes[(i + 1)..].IndexOf((byte)'\n');
            if (next < 0) break;
            i += next + 1;
        }
        return 0;
    }

    /// <summary>
    /// The check every response pays, without allocating: true when <see cref="Check"/> would find nothing
    /// wrong, shown by a head whose names are tokens, with at most one plain Content-Length or one
    /// "Transfer-Encoding: chunked" and no unasked 101. Anything else (rare) goes to <see cref="Check"/>,
    /// which names the fault. <paramref name="status"/> is set as Check sets it.
    /// </summary>
    private static bool LooksFine(ReadOnlySpan<byte> head, bool asksUpgrade, ref int status)
    {
        var rest = head;
        var statusLine = NextLine(ref rest);
        status = statusLine.Length >= 12 && statusLine.StartsWith("HTTP/"u8) &&
                 int.TryParse(statusLine.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;
        if (status == 0 || status is >= 100 and < 200 && status != 101) return true;
        if (status == 101 && !asksUpgrade) return false;
        int lengths = 0, codings = 0;
        while (!rest.IsEmpty)
        {
            var line = NextLine(ref rest);
            if (line.IsEmpty) break;
            if (line[0] is (byte)' ' or (byte)'\t') continue;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !HttpToken.IsToken(line[..colon])) return false;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (++lengths > 1 || value.IsEmpty || value.ContainsAnyExceptInRange((byte)'0', (byte)'9') ||
                    !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                if (++codings > 1 || !Ascii.EqualsIgnoreCase(value, "chunked"u8)) return false;
            }
        }
        return lengths == 0 || codings == 0;
    }

    // The next line of a head without its line end (LF, or CRLF with any CRs before the LF), as Check reads lines.
    private static ReadOnlySpan<byte> NextLine(ref ReadOnlySpan<byte> rest)
    {
        var lf = rest.IndexOf((byte)'\n');
        var line = lf < 0 ? rest : rest[..lf];
        rest = lf < 0 ? default : rest[(lf + 1)..];
        return line.TrimEnd((byte)'\r');
    }

    /// <summary>What is wrong with one complete response head, or null. <paramref name="status"/> is 0 when the status line is unreadable.</summary>
    internal static string? Check(string head, bool asksUpgrade, out int status)
    {
        var lines = head.Split('\n');
        var statusLine = lines[0].TrimEnd('\r');
        status = statusLine.Length >= 12 && statusLine.StartsWith("HTTP/", StringComparison.Ordinal) &&
                 int.TryParse(statusLine.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;
        if (status == 0) return null; // SocketsHttpHandler names a malformed status line itself
        if (status is >= 100 and < 200 && status != 101) return null; // interim: its headers are discarded

        var contentLengths = new List<string>();
        var transferEncodings = new List<string>();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0) break;
            if (line[0] is ' ' or '\t') continue; // obs-fold: a continuation, read as a space (RFC 9112 5.2)
            var colon = line.IndexOf(':');
            if (colon <= 0)
                return $"the header line '{Printable(line)}' has no field name followed by a colon";
            var name = line[..colon];
            if (!HttpToken.IsToken(name))
            {
                var trimmed = name.TrimEnd(' ', '\t');
                return trimmed.Length > 0 && trimmed.Length < name.Length && HttpToken.IsToken(trimmed)
                    ? $"the header '{Printable(trimmed)}' has whitespace before its colon, which RFC 9112 5.1 forbids because parsers disagree on what it means"
                    : $"the header name '{Printable(name)}' is not a valid field name (RFC 9110 5.1)";
            }
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) contentLengths.Add(value);
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) transferEncodings.Add(value);
        }

        if (status == 101 && !asksUpgrade)
            return "it is 101 Switching Protocols, but the request asked for no upgrade (RFC 9110 15.2.2: a server switches only to a protocol the client named in Upgrade)";
        if (contentLengths.Count > 0 && transferEncodings.Count > 0)
            return $"it has both Transfer-Encoding ({Printable(string.Join(", ", transferEncodings))}) and Content-Length ({Printable(string.Join(", ", contentLengths))}), " +
                   "a sign of response smuggling (RFC 9112 6.3)";
        if (contentLengths.Count > 1)
            return $"Content-Length appears {contentLengths.Count} times ({Printable(string.Join(", ", contentLengths))}); a response carries exactly one (RFC 9112 6.3, as aiohttp requires)";
        if (contentLengths.Count == 1 && ContentLengthProblem(contentLengths[0]) is { } lengthProblem)
            return lengthProblem;
        if (transferEncodings.Count > 0 && TransferEncodingProblem(transferEncodings) is { } codingProblem)
            return codingProblem;
        return null;
    }

    private static string? ContentLengthProblem(string value)
    {
        if (value.Length == 0 || !value.All(char.IsAsciiDigit))
        {
            return value.Contains(',')
                ? $"Content-Length '{Printable(value)}' is a list of values; a response carries exactly one length (RFC 9112 6.3)"
                : $"Content-Length '{Printable(value)}' is not a count of bytes: only digits are allowed, no sign (RFC 9110 8.6)";
        }
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return $"Content-Length '{Printable(value)}' is too large to be a length";
        return null;
    }

    private static string? TransferEncodingProblem(List<string> values)
    {
        var codings = values.SelectMany(v => v.Split(','))
            .Select(c => c.Split(';')[0].Trim(' ', '\t'))
            .Where(c => c.Length > 0)
            .ToList();
        var joined = Printable(string.Join(", ", values));
        var chunked = codings.Count(c => c.Equals("chunked", StringComparison.OrdinalIgnoreCase));
        if (chunked > 1)
            return $"Transfer-Encoding '{joined}' applies chunked more than once (RFC 9112 7)";
        if (chunked == 1 && !codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase))
            return $"Transfer-Encoding '{joined}' does not end in chunked, so the body would run until the connection closes (RFC 9112 6.3)";
        var other = codings.FirstOrDefault(c => !c.Equals("chunked", StringComparison.OrdinalIgnoreCase));
        if (other is not null)
            return $"Transfer-Encoding '{joined}' uses the transfer coding '{Printable(other)}', which AioHttp does not decode (only chunked is supported)";
        return null;
    }

    /// <summary>Control characters shown escaped, long values shortened, so a hostile header cannot garble the message.</summary>
    private static string Printable(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, 100));
        foreach (var c in s)
        {
            if (sb.Length >= 100)
            {
                sb.Append('…');
                break;
            }
            if (c < ' ' || c == 0x7F) sb.Append(c == '\t' ? "\\t" : $"\\x{(int)c:X2}");
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
