using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace AioHttp.TestServer.Raw;

/// <summary>
/// Websocket peers that misbehave, framed by hand (RFC 6455): /ws/no-pong completes the handshake,
/// then reads and ignores every frame, never answering a ping; /ws/drop sends one text frame and
/// then drops the TCP connection without a close frame; /ws/ping sends a ping and reports, as a
/// text message, whether the client's next frame was the matching pong.
/// </summary>
internal static class RawWebSocket
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public static async Task Respond(string path, string head, Socket socket, NetworkStream stream, CancellationToken ct)
    {
        var key = head.Split('\n')
            .Select(line => line.TrimEnd('\r').Split(':', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        if (key is null || path is not ("/ws/no-pong" or "/ws/drop" or "/ws/ping"))
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

        if (path == "/ws/ping")
        {
            var ping = Encoding.UTF8.GetBytes("are you there");
            await stream.WriteAsync(new byte[] { 0x89, (byte)ping.Length }.Concat(ping).ToArray(), ct);
            var (opcode, payload) = await ReadClientFrame(stream, ct);
            var text = Encoding.UTF8.GetString(payload);
            var verdict = Encoding.UTF8.GetBytes(opcode == 0xA && text == "are you there" ? $"pong ok: {text}" : $"bad: opcode {opcode:X}, payload '{text}'");
            await stream.WriteAsync(new byte[] { 0x81, (byte)verdict.Length }.Concat(verdict).ToArray(), ct);
            await stream.WriteAsync(new byte[] { 0x88, 2, 0x03, 0xE8 }, ct); // close 1000
            await ReadClientFrame(stream, ct);
            return;
        }

        // /ws/no-pong: swallow whatever arrives (pings included) until the client goes away.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var sink = new byte[8192];
        while (await stream.ReadAsync(sink, limit.Token) > 0) { }
    }

    /// <summary>One client frame (always masked, RFC 6455 5.3), unmasked; payloads under 64 KiB.</summary>
    private static async Task<(int Opcode, byte[] Payload)> ReadClientFrame(NetworkStream stream, CancellationToken ct)
    {
        var head = new byte[2];
        await stream.ReadExactlyAsync(head, ct);
        var length = head[1] & 0x7F;
        if (length == 126)
        {
            var ext = new byte[2];
            await stream.ReadExactlyAsync(ext, ct);
            length = ext[0] << 8 | ext[1];
        }
        var mask = new byte[4];
        if ((head[1] & 0x80) != 0) await stream.ReadExactlyAsync(mask, ct);
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, ct);
        for (var i = 0; i < payload.Length; i++) payload[i] ^= mask[i % 4];
        return (head[0] & 0x0F, payload);
    }
}
