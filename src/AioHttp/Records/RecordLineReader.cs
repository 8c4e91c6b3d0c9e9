using System.Text;

namespace AioHttp;

/// <summary>
/// The lines of a body of records (an event stream, JSON lines) as they arrive, as UTF-8 text: a
/// byte-order mark at the start of the body is dropped once, and a line longer than the limit is a
/// ClientPayloadError rather than memory without end. Event streams end lines with CRLF, LF or a lone
/// CR (WHATWG HTML, "event stream interpretation"; a CR at the end of one read and an LF at the start
/// of the next are one line end); JSON lines with LF, a CR before it dropped.
/// </summary>
internal sealed class RecordLineReader
{
    private const int ReadSize = 16 * 1024;
    private static readonly UTF8Encoding Utf8 = new(false, false); // invalid bytes become U+FFFD, as the spec decodes

    private readonly ContentReader _content;
    private readonly bool _crEndsLine;
    private readonly long _limit;
    private readonly string _lineName;
    private readonly byte[] _buffer = new byte[ReadSize];
    private int _pos;
    private int _len;
    private bool _eof;
    private bool _skipLf; // the last line ended with a CR: an LF right after it belongs to that line end
    private byte[] _line = new byte[256];
    private int _lineLength;
    private bool _started;

    /// <param name="lineName">What a line is called in errors ("event stream line").</param>
    public RecordLineReader(ContentReader content, bool crEndsLine, long limit, string lineName)
    {
        _content = content;
        _crEndsLine = crEndsLine;
        _limit = limit;
        _lineName = lineName;
    }

    /// <summary>The number of the line last returned (1 for the first).</summary>
    public int LineNumber { get; private set; }

    /// <summary>True when the line last returned had no line end: the body ended in it.</summary>
    public bool LastLineUnterminated { get; private set; }

    /// <summary>The next line without its line end; null at the end of the body.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _lineLength = 0;
        while (true)
        {
            if (_pos == _len)
            {
                if (_eof || (_len = await _content.ReadIntoAsync(_buffer, cancellationToken).ConfigureAwait(false)) == 0)
                {
                    _eof = true;
                    _pos = _len = 0;
                    if (_lineLength == 0) return null;
                    LastLineUnterminated = true;
                    return Finish();
                }
                _pos = 0;
            }
            if (_skipLf)
            {
                _skipLf = false;
                if (_buffer[_pos] == (byte)'\n')
                {
                    _pos++;
                    continue;
                }
            }
            var span = _buffer.AsSpan(_pos, _len - _pos);
            var end = _crEndsLine ? span.IndexOfAny((byte)'\r', (byte)'\n') : span.IndexOf((byte)'\n');
            Append(end < 0 ? span : span[..end]);
            if (end < 0)
            {
                _pos = _len;
                continue;
            }
            _pos += end + 1;
            if (span[end] == (byte)'\r') _skipLf = true;
            else if (!_crEndsLine && _lineLength > 0 && _line[_lineLength - 1] == (byte)'\r') _lineLength--;
            LastLineUnterminated = false;
            return Finish();
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (_lineLength + (long)bytes.Length > _limit)
        {
            throw new ClientPayloadException(
                $"{Capitalized(_lineName)} {LineNumber + 1} is longer than {_limit} bytes. Raise -MaximumResponseSize if such records are expected.");
        }
        if (_lineLength + bytes.Length > _line.Length) Array.Resize(ref _line, (int)Math.Min(Math.Max(_line.Length * 2L, _lineLength + bytes.Length), Array.MaxLength));
        bytes.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += bytes.Length;
    }

    private string Finish()
    {
        LineNumber++;
        var bytes = _line.AsSpan(0, _lineLength);
        // The byte-order mark is dropped once, at the start of the body (it can only be in the first line).
        if (!_started && bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) bytes = bytes[3..];
        _started = true;
        return Utf8.GetString(bytes);
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
