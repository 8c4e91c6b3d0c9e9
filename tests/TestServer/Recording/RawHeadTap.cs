using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;

namespace AioHttp.TestServer.Recording;

/// <summary>One request head exactly as it arrived on the wire (HTTP/1.x only).</summary>
public sealed record RawHead(string RequestLine, string Method, string Target, string Protocol,
    IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Kestrel connection middleware that watches the bytes of an HTTP/1.x connection as Kestrel reads them
/// and splits them into request heads (skipping bodies by Content-Length / chunked framing), so the
/// recorder can report header names, casing and order exactly as sent. Heads queue per connection;
/// each request dequeues its own.
/// </summary>
public sealed class RawHeadTap
{
    private static readonly ConcurrentDictionary<string, RawHeadTap> Taps = new();

    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async ctx =>
    {
        var tap = new RawHeadTap();
        Taps[ctx.ConnectionId] = tap;
        var original = ctx.Transport;
        ctx.Transport = new TapDuplexPipe(original, new TapPipeReader(original.Input, tap));
        try
        {
            await next(ctx);
        }
        finally
        {
            ctx.Transport = original;
            Taps.TryRemove(ctx.ConnectionId, out _);
        }
    };

    public static RawHead? TakeFor(string connectionId) =>
        Taps.TryGetValue(connectionId, out var tap) && tap._heads.TryDequeue(out var head) ? head : null;

    private const int MaxHead = 1024 * 1024;

    private enum State { Head, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Dead }

    private readonly ConcurrentQueue<RawHead> _heads = new();
    private readonly object _gate = new();
    private State _state = State.Head;
    private readonly MemoryStream _head = new();
    private readonly StringBuilder _line = new();
    private long _remaining;

    internal void Feed(in ReadOnlySequence<byte> data)
    {
        lock (_gate)
        {
            foreach (var segment in data)
            {
                var span = segment.Span;
                while (span.Length > 0 && _state != State.Dead)
                    span = Step(span);
            }
        }
    }

    private ReadOnlySpan<byte> Step(ReadOnlySpan<byte> span)
    {
        switch (_state)
        {
            case State.Head:
            {
                var i = 0;
                for (; i < span.Length; i++)
                {
                    var b = span[i];
                    if (_head.Length == 0 && (b == (byte)'\r' || b == (byte)'\n')) continue; // stray CRLF between requests
                    _head.WriteByte(b);
                    if (b == (byte)'\n' && HeadComplete())
                    {
                        OnHead();
                        return span[(i + 1)..];
                    }
                    if (_head.Length > MaxHead) { _state = State.Dead; return default; }
                }
                return default;
            }
            case State.FixedBody:
            case State.ChunkData:
            {
                var n = (int)Math.Min(_remaining, span.Length);
                _remaining -= n;
                if (_remaining == 0) _state = _state == State.FixedBody ? State.Head : State.ChunkDataEnd;
                return span[n..];
            }
            case State.ChunkSize:
            case State.ChunkDataEnd:
            case State.Trailers:
            {
                var i = 0;
                for (; i < span.Length; i++)
                {
                    var b = span[i];
                    if (b == (byte)'\n')
                    {
                        OnLine(_line.ToString().TrimEnd('\r'));
                        _line.Clear();
                        return span[(i + 1)..];
                    }
                    if (_line.Length > 8192) { _state = State.Dead; return default; }
                    _line.Append((char)b);
                }
                return default;
            }
            default:
                return default;
        }
    }

    private bool HeadComplete()
    {
        var buf = _head.GetBuffer();
        var len = (int)_head.Length;
        return (len >= 4 && buf[len - 4] == '\r' && buf[len - 3] == '\n' && buf[len - 2] == '\r')
            || (len >= 2 && buf[len - 2] == '\n');
    }

    private void OnLine(string line)
    {
        switch (_state)
        {
            case State.ChunkSize:
            {
                var hex = line.Split(';', 2)[0].Trim();
                if (!long.TryParse(hex, System.Globalization.NumberStyles.HexNumber, null, out var size) || size < 0)
                {
                    _state = State.Dead;
                    return;
                }
                if (size == 0) _state = State.Trailers;
                else { _remaining = size; _state = State.ChunkData; }
                break;
            }
            case State.ChunkDataEnd:
                _state = line.Length == 0 ? State.ChunkSize : State.Dead;
                break;
            case State.Trailers:
                if (line.Length == 0) _state = State.Head;
                break;
        }
    }

    private void OnHead()
    {
        var bytes = _head.GetBuffer().AsSpan(0, (int)_head.Length);
        string text;
        try { text = new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { text = Encoding.Latin1.GetString(bytes); }
        _head.SetLength(0);

        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var requestLine = lines[0];
        var parts = requestLine.Split(' ');
        var method = parts.Length > 0 ? parts[0] : "";
        var target = parts.Length > 1 ? parts[1] : "";
        var protocol = parts.Length > 2 ? parts[^1] : "";
        if (method == "PRI") { _state = State.Dead; return; } // HTTP/2 preface: stop watching

        var headers = new List<KeyValuePair<string, string>>();
        for (var i = 1; i < lines.Count; i++)
        {
            var l = lines[i];
            if (l.Length == 0) continue;
            var colon = l.IndexOf(':');
            if (colon < 0) headers.Add(new(l, ""));
            else headers.Add(new(l[..colon], l[(colon + 1)..].Trim(' ', '\t')));
        }
        _heads.Enqueue(new RawHead(requestLine, method, target, protocol, headers));

        string? Find(string name) => headers.LastOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        var upgrade = Find("Upgrade");
        var te = Find("Transfer-Encoding");
        var cl = Find("Content-Length");
        if (upgrade is not null || method == "CONNECT")
            _state = State.Dead; // the connection stops being HTTP/1 (or might); don't guess
        else if (te is not null && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            _state = State.ChunkSize;
        else if (cl is not null && long.TryParse(cl, out var n) && n > 0)
        {
            _remaining = n;
            _state = State.FixedBody;
        }
        else
            _state = State.Head;
    }

    private sealed class TapDuplexPipe(IDuplexPipe inner, PipeReader input) : IDuplexPipe
    {
        public PipeReader Input => input;
        public PipeWriter Output => inner.Output;
    }

    /// <summary>Passes reads through, feeding each newly seen byte to the tap exactly once.</summary>
    private sealed class TapPipeReader(PipeReader inner, RawHeadTap tap) : PipeReader
    {
        private ReadOnlySequence<byte> _last;
        private long _seen;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.ReadAsync(cancellationToken);
            Observe(result.Buffer);
            return result;
        }

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result)) return false;
            Observe(result.Buffer);
            return true;
        }

        private void Observe(in ReadOnlySequence<byte> buffer)
        {
            if (buffer.Length > _seen) tap.Feed(buffer.Slice(_seen));
            _seen = buffer.Length;
            _last = buffer;
        }

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            _seen = Math.Max(0, _seen - _last.Slice(_last.Start, consumed).Length);
            _last = default;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}
