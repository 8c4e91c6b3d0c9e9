using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace AioHttp.TestServer.Raw;

/// <summary>
/// Websocket peers that misbehave, framed by hand (RFC 6455): /ws/no-pong completes the handshake,
/// then reads and ignores every frame, never answering a ping; /ws/drop sends one text frame and
/// then drops the TCP connection without a close frame.
/// </summary>
internal static class RawWebSocket
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static async Task Respond(string path, string head, Socket socket, NetworkStream stream, CancellationToken ct)
    {
        var key = head.Split('\n')
            .Select(line => line.TrimEnd('\r').Split(':', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        if (key is null || path is not ("/ws/no-pong" or "/ws/drop"))
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct);
            return;
        }
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), ct);

        if (path == "/ws/drop")
        {
            var payload = Encoding.UTF8.GetBytes("bye");
            await stream.WriteAsync(new byte[] { 0x81, (byte)payload.Length }.Concat(payload).ToArray(), ct);
            socket.Shutdown(SocketShutdown.Both);
            return;
        }

        // /ws/no-pong: swallow whatever arrives (pings included) until the client goes away.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var sink = new byte[8192];
        while (await stream.ReadAsync(sink, limit.Token) > 0) { }
    }
}
