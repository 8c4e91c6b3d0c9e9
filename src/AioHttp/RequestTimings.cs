using System.Diagnostics;

namespace AioHttp;

/// <summary>
/// How long each phase of one exchange (one hop: a redirect or a retry has its own) took, measured where
/// it happens: name resolution and TCP connect in the connector's connect callback, TLS between the TCP
/// connect and the first plaintext stream, sending and the first response byte on the connection, the
/// body's end in the response. Stopwatch timestamps only, so it is always on. Phases that did not happen
/// are null: a reused keep-alive connection has no Dns, Connect or Tls; a plain-HTTP one has no Tls.
/// </summary>
public sealed class RequestTimings
{
    private readonly long _start;   // the hop began (before waiting for a connection slot)
    private long _firstWrite;       // first byte of the request written on its connection
    private long _lastWrite;        // last write of the request before the answer began
    private long _firstByte;        // first byte of the answer
    private long _headers;          // the response head was handed back
    private long _end;              // the body ended (or the response was closed)
    private ConnectionSetup? _setup;

    /// <summary>The AppContext switch that turns timings off, for measuring what they cost (bench/Resilience.Bench.ps1).</summary>
    internal const string DisableSwitch = "AioHttp.DisableTimings";

    /// <summary>
    /// False when the process set <see cref="DisableSwitch"/> before the first request: sessions that do
    /// not record then keep no timings (ClientResponse.Timings is null). Read once: a measurement switch,
    /// not a setting.
    /// </summary>
    internal static readonly bool Enabled = !SwitchedOff();

    internal static bool SwitchedOff() => AppContext.TryGetSwitch(DisableSwitch, out var off) && off;

    internal RequestTimings(long start) => _start = start;

    /// <summary>Resolving the host name (a cached answer takes next to nothing); null on a reused connection.</summary>
    public TimeSpan? Dns => _setup?.Dns;

    /// <summary>The TCP connect; null on a reused connection.</summary>
    public TimeSpan? Connect => _setup?.Connect;

    /// <summary>From the TCP connect to the usable connection: the TLS handshake (and a proxy's CONNECT, through a proxy); null for plain HTTP or a reused connection.</summary>
    public TimeSpan? Tls => _setup?.Tls;

    /// <summary>Writing the request (head and body) on the connection.</summary>
    public TimeSpan Send => _firstWrite != 0 && _lastWrite >= _firstWrite ? Stopwatch.GetElapsedTime(_firstWrite, _lastWrite) : TimeSpan.Zero;

    /// <summary>From the request sent to the first byte of the answer (the server's time).</summary>
    public TimeSpan Wait
    {
        get
        {
            var answered = _firstByte != 0 ? _firstByte : _headers;
            var sent = _lastWrite != 0 ? _lastWrite : _start;
            return answered != 0 && answered >= sent ? Stopwatch.GetElapsedTime(sent, answered) : TimeSpan.Zero;
        }
    }

    /// <summary>From the first byte of the answer to the end of the body; null while the body is still unread (-Stream).</summary>
    public TimeSpan? Receive
    {
        get
        {
            var from = _firstByte != 0 ? _firstByte : _headers;
            return _end != 0 && from != 0 && _end >= from ? Stopwatch.GetElapsedTime(from, _end) : null;
        }
    }

    /// <summary>The whole hop: from its start (the wait for a connection slot included) to the end of the body, or to the head while the body is unread.</summary>
    public TimeSpan Total
    {
        get
        {
            var end = _end != 0 ? _end : _headers != 0 ? _headers : Stopwatch.GetTimestamp();
            return Stopwatch.GetElapsedTime(_start, end);
        }
    }

    /// <summary>Whether the request went out on a kept-alive connection that had carried an earlier request.</summary>
    public bool ConnectionReused { get; private set; }

    /// <summary>The address and port connected to ("127.0.0.1:8080"; a proxy's, through a proxy); null when unknown.</summary>
    public string? RemoteEndPoint { get; private set; }

    /// <summary>Time before the request could go out that no other phase accounts for (waiting for a slot or a pooled connection): HAR's "blocked".</summary>
    internal TimeSpan Blocked
    {
        get
        {
            if (_firstWrite == 0) return TimeSpan.Zero;
            var before = Stopwatch.GetElapsedTime(_start, _firstWrite) - (Dns ?? TimeSpan.Zero) - (Connect ?? TimeSpan.Zero) - (Tls ?? TimeSpan.Zero);
            return before > TimeSpan.Zero ? before : TimeSpan.Zero;
        }
    }

    internal long StartTimestamp => _start;

    /// <summary>Decoded body bytes, once the body has ended.</summary>
    internal long? BodySize { get; private set; }

    /// <summary>The request went out on <paramref name="setup"/>'s connection (null: not known, HTTP/2 reuse); a reused one had its setup paid before.</summary>
    internal void OnConnection(ConnectionSetup? setup, bool reused)
    {
        ConnectionReused = reused;
        _setup = reused || setup is null ? null : setup;
        RemoteEndPoint = setup?.RemoteEndPoint; // a reused connection's address is still worth showing
        _firstWrite = 0;
        _lastWrite = 0;
        _firstByte = 0;
    }

    internal void Wrote()
    {
        var now = Stopwatch.GetTimestamp();
        if (_firstWrite == 0) _firstWrite = now;
        _lastWrite = now;
    }

    internal void FirstByte()
    {
        if (_firstByte == 0) _firstByte = Stopwatch.GetTimestamp();
    }

    internal void HeadersReceived() => _headers = Stopwatch.GetTimestamp();

    internal void BodyEnded(long size)
    {
        if (_end != 0) return;
        _end = Stopwatch.GetTimestamp();
        BodySize = size;
    }

    public override string ToString() =>
        $"Total {Total.TotalMilliseconds:0.###} ms (dns {Ms(Dns)}, connect {Ms(Connect)}, tls {Ms(Tls)}, send {Ms(Send)}, wait {Ms(Wait)}, receive {Ms(Receive)}){(ConnectionReused ? ", reused connection" : "")}";

    private static string Ms(TimeSpan? value) => value is { } v ? v.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "-";
}

/// <summary>What making one connection took (filled in by the connector as it happens), kept with the connection.</summary>
internal sealed class ConnectionSetup
{
    internal static readonly HttpRequestOptionsKey<ConnectionSetup> Key = new("AioHttp.ConnectionSetup");

    public TimeSpan? Dns { get; set; }
    public TimeSpan? Connect { get; set; }
    public TimeSpan? Tls { get; set; }
    public string? RemoteEndPoint { get; set; }
    public long ConnectedAt { get; set; }
}
