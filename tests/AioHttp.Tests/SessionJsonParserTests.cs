using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetWebSocket = System.Net.WebSockets.WebSocket;
using NetMessageType = System.Net.WebSockets.WebSocketMessageType;

namespace AioHttp.Tests;

/// <summary>
/// The JSON parser is a session setting: each session's responses and websocket messages parse with
/// its own parser, and a session that names none parses with System.Text.Json whatever else the
/// process has done (the PowerShell module used to swap a process-wide parser on import).
/// </summary>
public class SessionJsonParserTests
{
    private const string Document = "{\"a\":1}";

    [Fact]
    public async Task Two_sessions_parse_responses_each_with_its_own_parser()
    {
        await using var peer = JsonPeer.Start();
        using var first = new ClientSession(new ClientSessionOptions { JsonParser = text => "first " + text });
        using var second = new ClientSession(new ClientSessionOptions { JsonParser = text => "second " + text });
        using var fromFirst = await first.GetAsync(peer.HttpUrl);
        using var fromSecond = await second.GetAsync(peer.HttpUrl);
        Assert.Equal("first " + Document, fromFirst.Json());
        Assert.Equal("second " + Document, fromSecond.Json());
    }

    [Fact]
    public async Task A_session_without_a_parser_parses_responses_with_System_Text_Json()
    {
        await using var peer = JsonPeer.Start();
        using var custom = new ClientSession(new ClientSessionOptions { JsonParser = _ => "custom" });
        using var plain = new ClientSession();
        using var response = await plain.GetAsync(peer.HttpUrl);
        var parsed = Assert.IsType<JsonElement>(response.Json());
        Assert.Equal(1, parsed.GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task Two_sessions_parse_websocket_messages_each_with_its_own_parser()
    {
        await using var peer = JsonPeer.Start();
        using var first = new ClientSession(new ClientSessionOptions { JsonParser = text => "first " + text });
        using var second = new ClientSession(new ClientSessionOptions { JsonParser = text => "second " + text });
        await using var firstSocket = await first.WebSocketConnectAsync(peer.WebSocketUrl);
        await using var secondSocket = await second.WebSocketConnectAsync(peer.WebSocketUrl);
        Assert.Equal("first " + Document, (await firstSocket.ReceiveAsync(TimeSpan.FromSeconds(10))).Json());
        Assert.Equal("second " + Document, (await secondSocket.ReceiveAsync(TimeSpan.FromSeconds(10))).Json());
    }

    [Fact]
    public async Task A_session_without_a_parser_parses_websocket_messages_with_System_Text_Json()
    {
        await using var peer = JsonPeer.Start();
        using var plain = new ClientSession();
        await using var socket = await plain.WebSocketConnectAsync(peer.WebSocketUrl);
        var parsed = Assert.IsType<JsonElement>((await socket.ReceiveAsync(TimeSpan.FromSeconds(10))).Json());
        Assert.Equal(1, parsed.GetProperty("a").GetInt32());
    }

    /// <summary>
    /// A loopback peer that answers every HTTP request with <see cref="Document"/> as application/json,
    /// and every websocket upgrade by sending <see cref="Document"/> as one text message.
    /// </summary>
    internal sealed class JsonPeer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _accepting = Task.CompletedTask;

        public static JsonPeer Start()
        {
            var peer = new JsonPeer();
            peer._listener.Start();
            peer._accepting = peer.AcceptAsync();
            return peer;
        }

        private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public string HttpUrl => $"http://127.0.0.1:{Port}/json";
        public string WebSocketUrl => $"ws://127.0.0.1:{Port}/ws";

        private async Task AcceptAsync()
        {
            var connections = new List<Task>();
            try
            {
                while (true) connections.Add(ServeAsync(await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false)));
            }
            catch (OperationCanceledException)
            {
            }
            await Task.WhenAll(connections).ConfigureAwait(false);
        }

        private async Task ServeAsync(TcpClient client)
        {
            using var _ = client;
            var stream = client.GetStream();
            try
            {
                var head = await ReadHeadAsync(stream).ConfigureAwait(false);
                var key = head.Split("\r\n").Select(line => line.Split(':', 2))
                    .FirstOrDefault(parts => parts.Length == 2 && parts[0].Trim().Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))?[1].Trim();
                if (key is null)
                {
                    var body = Encoding.UTF8.GetBytes(Document);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n")).ConfigureAwait(false);
                    await stream.WriteAsync(body).ConfigureAwait(false);
                    return;
                }
                var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n")).ConfigureAwait(false);
                using var socket = NetWebSocket.CreateFromStream(stream, isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
                await socket.SendAsync(Encoding.UTF8.GetBytes(Document), NetMessageType.Text, endOfMessage: true, _stop.Token).ConfigureAwait(false);
                // Stay until the client closes, so the message is not cut off by a lost connection.
                await socket.ReceiveAsync(new byte[1024], _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
            {
            }
        }

        private static async Task<string> ReadHeadAsync(NetworkStream stream)
        {
            var head = new List<byte>();
            var one = new byte[1];
            while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
            {
                if (await stream.ReadAsync(one).ConfigureAwait(false) == 0) throw new IOException("The client closed before its request head ended.");
                head.Add(one[0]);
            }
            return Encoding.Latin1.GetString(head.ToArray());
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            await _accepting.ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
