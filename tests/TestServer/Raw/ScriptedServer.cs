using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AioHttp.TestServer.Hosting;

namespace AioHttp.TestServer.Raw;

/// <summary>
/// A misbehaving peer a test scripts byte for byte. A test registers a script (POST /raw/scripts on the
/// Kestrel server) and gets a path /s/{id}; every connection to this listener whose first request
/// targets that path runs the script's steps, and every byte the client sent on it is recorded
/// (GET /raw/scripts/{id}/received gives them back, one entry per connection, oldest first).
/// Connection n (0-based) runs connections[n], or the last entry once n is past the end.
/// </summary>
/// <remarks>
/// Steps (JSON objects, one key each plus options):
///   {"send": "text"}            writes the text as Latin-1 bytes (so "\u00e9" is the byte 0xE9)
///   {"sendBase64": "..."}       writes raw bytes
///   {"drip": "text", "intervalMs": 500}  writes one byte at a time with a pause between
///   {"sleepMs": n}              pauses
///   {"readRequest": true}       reads the next request head (and its Content-Length or chunked body)
///   {"readMs": n}               reads (and records) whatever arrives for n ms
///   {"close": true}             FIN, then drains what the client still sends (up to 2 s)
///   {"reset": true}             RST (linger 0)
///   {"waitClose": n}            reads until the client closes, at most n ms (default 60000)
///   {"wsAccept": true, "headers": "Name: value\r\n"}  answers the last request read with a websocket
///                               101 whose Sec-WebSocket-Accept matches its Sec-WebSocket-Key (RFC 6455 4.2.2),
///                               plus the given header lines (raw text, each ending in CRLF); server frames
///                               then follow as send/sendBase64 steps (unmasked, as a server sends them)
/// After the last step the connection is closed gracefully. The first request head (and body) is read
/// before the first step.
/// </remarks>
public sealed class ScriptedServer : LoopbackListener
{
    private static readonly ConcurrentDictionary<string, Script> Scripts = new(StringComparer.Ordinal);

    /// <summary>POST /raw/scripts (body: {"connections": [[step, …], …]}) and GET /raw/scripts/{id}/received.</summary>
    public static void Map(WebApplication app)
    {
        app.MapPost("/raw/scripts", async ctx =>
        {
            var node = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
            if (node?["connections"] is not JsonArray connections || connections.Count == 0)
            {
                await JsonOut.Error(ctx, 400, "give {\"connections\": [[step, ...], ...]}");
                return;
            }
            var id = Guid.NewGuid().ToString("n")[..12];
            Scripts[id] = new Script(connections.Select(c => c as JsonArray ?? new JsonArray()).ToArray());
            await JsonOut.Write(ctx, new JsonObject { ["id"] = id, ["path"] = $"/s/{id}" });
        });
        app.MapGet("/raw/scripts/{id}/received", ctx =>
        {
            var id = HttpHelpers.Route(ctx, "id") ?? "";
            if (!Scripts.TryGetValue(id, out var script)) return JsonOut.Error(ctx, 404, "no such script");
            var list = new JsonArray();
            foreach (var received in script.Received())
                list.Add(Convert.ToBase64String(received));
            return JsonOut.Write(ctx, new JsonObject { ["connections"] = list, ["count"] = list.Count });
        });
    }

    protected override async Task Serve(Socket socket)
    {
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new RecordingReader(stream);
        var ct = Stopping;
        try
        {
            using (var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                headTimeout.CancelAfter(TimeSpan.FromSeconds(30));
                var head = await reader.ReadRequestAsync(headTimeout.Token);
                if (head is null) return;
                var target = head.Split('\n', 2)[0].Split(' ') is { Length: >= 2 } parts ? parts[1] : "";
                // The target may be absolute-form (through a proxy): find /s/{id} anywhere in it.
                var at = target.IndexOf("/s/", StringComparison.Ordinal);
                var id = at < 0 ? "" : new string(target[(at + 3)..].TakeWhile(char.IsLetterOrDigit).ToArray());
                if (!Scripts.TryGetValue(id, out var script))
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 16\r\nConnection: close\r\n\r\nno such script\r\n"), ct);
                    await CloseGracefully(socket, stream);
                    return;
                }
                var steps = script.Attach(reader);
                await Run(steps, socket, stream, reader, ct);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            try { socket.Dispose(); } catch (ObjectDisposedException) { }
        }
    }

    private static async Task Run(JsonArray steps, Socket socket, NetworkStream stream, RecordingReader reader, CancellationToken ct)
    {
        foreach (var step in steps)
        {
            if (step is not JsonObject s) continue;
            if (s["send"] is { } send)
                await stream.WriteAsync(Encoding.Latin1.GetBytes(send.GetValue<string>()), ct);
            else if (s["sendBase64"] is { } b64)
                await stream.WriteAsync(Convert.FromBase64String(b64.GetValue<string>()), ct);
            else if (s["drip"] is { } drip)
            {
                var interval = TimeSpan.FromMilliseconds(s["intervalMs"]?.GetValue<double>() ?? 200);
                foreach (var b in Encoding.Latin1.GetBytes(drip.GetValue<string>()))
                {
                    await stream.WriteAsync(new[] { b }, ct);
                    await Task.Delay(interval, ct);
                }
            }
            else if (s["sleepMs"] is { } sleep)
                await Task.Delay(TimeSpan.FromMilliseconds(sleep.GetValue<double>()), ct);
            else if (s["readRequest"] is not null)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                if (await reader.ReadRequestAsync(timeout.Token) is null) return;
            }
            else if (s["readMs"] is { } readMs)
                await reader.DrainAsync(TimeSpan.FromMilliseconds(readMs.GetValue<double>()), ct);
            else if (s["waitClose"] is { } waitClose)
                await reader.DrainAsync(TimeSpan.FromMilliseconds(waitClose.GetValue<double?>() ?? 60000), ct);
            else if (s["wsAccept"] is not null)
                await stream.WriteAsync(Encoding.Latin1.GetBytes(WebSocketAccept(reader.LastHead, s["headers"]?.GetValue<string>() ?? "")), ct);
            else if (s["close"] is not null)
            {
                await CloseGracefully(socket, stream);
                return;
            }
            else if (s["reset"] is not null)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                return;
            }
        }
        await CloseGracefully(socket, stream);
    }

    /// <summary>A 101 for a websocket handshake: the accept key is SHA-1 of the client's key and the RFC 6455 GUID, in base64.</summary>
    private static string WebSocketAccept(string head, string extraHeaders)
    {
        var key = head.Split("\r\n").Skip(1)
            .Select(line => line.Split(':', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))?[1].Trim() ?? "";
        var accept = Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        return $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extraHeaders}\r\n";
    }


    private sealed class Script(JsonArray[] connections)
    {
        private readonly List<RecordingReader> _readers = new();

        public JsonArray Attach(RecordingReader reader)
        {
            lock (_readers)
            {
                _readers.Add(reader);
                return connections[Math.Min(_readers.Count - 1, connections.Length - 1)];
            }
        }

        public List<byte[]> Received()
        {
            lock (_readers) return _readers.Select(r => r.Snapshot()).ToList();
        }
    }

    /// <summary>Reads from the client, keeping every byte it sent (in order) for the test to read back.</summary>
    private sealed class RecordingReader(NetworkStream stream)
    {
        private const int MaxRecorded = 16 * 1024 * 1024;
        private readonly MemoryStream _all = new();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        /// <summary>The head of the last request read (request line and header lines, without the blank line).</summary>
        public string LastHead { get; private set; } = "";

        public byte[] Snapshot()
        {
            lock (_all) return _all.ToArray();
        }

        private async Task<bool> FillAsync(CancellationToken ct)
        {
            if (_start > 0 && _start == _end) _start = _end = 0;
            if (_end == _buffer.Length)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
                if (_end == _buffer.Length) return false;
            }
            var n = await stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (n == 0) return false;
            lock (_all)
            {
                if (_all.Length + n <= MaxRecorded) _all.Write(_buffer, _end, n);
            }
            _end += n;
            return true;
        }

        /// <summary>Reads a request head and its body; returns the head, or null when the client closed first.</summary>
        public async Task<string?> ReadRequestAsync(CancellationToken ct)
        {
            string head;
            while (true)
            {
                var text = Encoding.Latin1.GetString(_buffer, _start, _end - _start);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    head = text[..end];
                    _start += end + 4;
                    break;
                }
                if (!await FillAsync(ct)) return null;
            }
            LastHead = head;
            var lines = head.Split("\r\n");
            long length = 0;
            var chunked = false;
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0) continue;
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !long.TryParse(value, out length)) length = 0;
                if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
                if (name.Equals("Expect", StringComparison.OrdinalIgnoreCase)) { /* the script answers 100 itself if it wants to */ }
            }
            if (chunked) await SkipChunkedAsync(ct);
            else await SkipAsync(length, ct);
            return head;
        }

        private async Task SkipAsync(long count, CancellationToken ct)
        {
            while (count > 0)
            {
                if (_start == _end && !await FillAsync(ct)) return;
                var take = (int)Math.Min(count, _end - _start);
                _start += take;
                count -= take;
            }
        }

        private async Task SkipChunkedAsync(CancellationToken ct)
        {
            while (true)
            {
                var line = await ReadLineAsync(ct);
                if (line is null) return;
                var size = Convert.ToInt64(line.Split(';')[0].Trim() is { Length: > 0 } hex ? hex : "0", 16);
                if (size == 0)
                {
                    // Trailers, up to the blank line.
                    while (await ReadLineAsync(ct) is { Length: > 0 }) { }
                    return;
                }
                await SkipAsync(size + 2, ct);
            }
        }

        private async Task<string?> ReadLineAsync(CancellationToken ct)
        {
            while (true)
            {
                var i = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (i >= 0)
                {
                    var line = Encoding.Latin1.GetString(_buffer, _start, i - _start).TrimEnd('\r');
                    _start = i + 1;
                    return line;
                }
                if (!await FillAsync(ct)) return null;
            }
        }

        /// <summary>Reads and records whatever arrives for the given time, or until the client closes.</summary>
        public async Task DrainAsync(TimeSpan limit, CancellationToken ct)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(limit);
            try
            {
                _start = _end = 0;
                while (await FillAsync(cts.Token)) _start = _end = 0;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }
    }
}
