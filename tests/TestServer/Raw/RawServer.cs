using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AioHttp.TestServer.Raw;

/// <summary>
/// Hand-written TCP listener on 127.0.0.1 for responses Kestrel will not produce (truncated bodies,
/// broken chunking, stalls, abrupt closes). Reads one request head per connection, then acts by path.
/// </summary>
public sealed class RawServer : LoopbackListener
{
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(60);

    protected override async Task Serve(Socket socket)
    {
        using var _ = socket;
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            using var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
            headTimeout.CancelAfter(TimeSpan.FromSeconds(30));
            var head = await ReadRequestHead(stream, headTimeout.Token);
            if (head is null) return;
            var path = head.Value.Target.Split('?', 2)[0];
            if (path.StartsWith("/ws/", StringComparison.Ordinal))
                await RawWebSocket.Respond(path, head.Value.Head, socket, stream, Stopping);
            else
                await Respond(path, socket, stream);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task Respond(string path, Socket socket, NetworkStream stream)
    {
        var ct = Stopping;
        switch (path)
        {
            case "/truncated":
                await Send(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789", ct);
                await CloseGracefully(socket, stream);
                break;

            case "/bad-chunked":
                await Send(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n", ct);
                await CloseGracefully(socket, stream);
                break;

            case "/chunked-cut":
                await Send(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", ct);
                await CloseGracefully(socket, stream);
                break;

            case "/disconnect":
                await CloseGracefully(socket, stream);
                break;

            case "/headers-then-close":
                await Send(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/pl", ct);
                await CloseGracefully(socket, stream);
                break;

            case "/gzip-truncated":
            {
                // Hex of seeded random bytes: compresses poorly, so the cut lands mid-data.
                var filler = new byte[2000];
                new Random(1).NextBytes(filler);
                var full = Gzip(Encoding.UTF8.GetBytes($"{{\"gzipped\":true,\"filler\":\"{Convert.ToHexString(filler)}\"}}\n"));
                var cut = full.AsMemory(0, full.Length / 2);
                await Send(stream, $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {cut.Length}\r\n\r\n", ct);
                await stream.WriteAsync(cut, ct);
                await CloseGracefully(socket, stream);
                break;
            }

            case "/stall-headers":
                await WaitForPeerClose(stream, StallLimit);
                break;

            case "/stall-body":
                await Send(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n0123456789", ct);
                await WaitForPeerClose(stream, StallLimit);
                break;

            case "/keepalive-close":
                await Send(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok", ct);
                await Task.Delay(100, ct);
                socket.Close();
                break;

            case "/close-delimited":
                await Send(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nbody delimited by connection close\n", ct);
                await CloseGracefully(socket, stream);
                break;

            default:
                await Send(stream, "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n", ct);
                await CloseGracefully(socket, stream);
                break;
        }
    }

    /// <summary>Reads up to the blank line ending the head; returns the request-target, or null.</summary>
    private static async Task<(string Target, string Head)?> ReadRequestHead(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (n == 0) return null;
            filled += n;
            var text = Encoding.Latin1.GetString(buffer, 0, filled);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0) end = text.IndexOf("\n\n", StringComparison.Ordinal);
            if (end < 0) continue;
            var requestLine = text.Split('\n', 2)[0].TrimEnd('\r').Split(' ');
            return requestLine.Length >= 2 ? (requestLine[1], text[..end]) : null;
        }
        return null;
    }

    private static Task Send(NetworkStream stream, string ascii, CancellationToken ct) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(ascii), ct).AsTask();



    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }
}
