using System.Text;

namespace AioHttp.Tests;

public class ConnectionStreamTests
{
    /// <summary>A connection's far end: what the server sends is queued for reads; what the client writes is kept.</summary>
    private sealed class Peer : Stream
    {
        private readonly Queue<byte[]> _answers = new();
        public MemoryStream Written { get; } = new();
        public void Answer(string text) => _answers.Enqueue(Encoding.Latin1.GetBytes(text));
        public string Sent => Encoding.Latin1.GetString(Written.ToArray());

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (count == 0) return 0; // a zero-byte read: "data is ready"
            if (!_answers.TryDequeue(out var next)) return 0; // the server closed
            next.CopyTo(buffer, offset);
            return next.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);
        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static OutgoingRequest Get(string path) =>
        new("GET", Url.Parse("http://h" + path), null, bodyCanGoAgain: true, asksUpgrade: false, timer: null);

    private static async Task SendAsync(ConnectionStream connection, OutgoingRequest request)
    {
        OutgoingRequest.Current = request;
        await connection.WriteAsync(Encoding.Latin1.GetBytes($"GET {request.Url.Path} HTTP/1.1\r\n\r\n"));
    }

    [Fact]
    public async Task A_zero_byte_read_is_not_taken_for_the_server_closing()
    {
        var peer = new Peer();
        var connection = new ConnectionStream(peer);
        peer.Answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        await SendAsync(connection, Get("/one"));
        Assert.True(await connection.ReadAsync(new byte[100]) > 0);

        // SocketsHttpHandler waits on an idle keep-alive connection with a zero-byte read.
        Assert.Equal(0, await connection.ReadAsync(Memory<byte>.Empty));
        await SendAsync(connection, Get("/two"));
        Assert.Contains("GET /two", peer.Sent);
    }

    [Fact]
    public async Task A_close_before_the_answer_fails_the_read_unless_the_request_may_be_resent()
    {
        var peer = new Peer();
        var connection = new ConnectionStream(peer);
        var first = Get("/first");
        await SendAsync(connection, first);
        var error = await Assert.ThrowsAsync<ServerDisconnectedException>(async () => await connection.ReadAsync(new byte[100]));
        Assert.Contains("GET http://h/first", error.Message);
        Assert.Contains("new connection", error.Message);

        // On a reused connection, an idempotent request sees the close (and SocketsHttpHandler resends it).
        var peer2 = new Peer();
        var reused = new ConnectionStream(peer2);
        peer2.Answer("HTTP/1.1 204 No Content\r\n\r\n");
        await SendAsync(reused, Get("/a"));
        Assert.True(await reused.ReadAsync(new byte[100]) > 0);
        var second = Get("/b");
        await SendAsync(reused, second);
        Assert.Equal(0, await reused.ReadAsync(new byte[100]));
        Assert.Equal(1, second.Attempts);
        Assert.True(second.LastAttemptReused);
    }

    [Fact]
    public async Task A_bad_head_fails_the_read_with_ClientResponseError()
    {
        var peer = new Peer();
        var connection = new ConnectionStream(peer);
        peer.Answer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx");
        await SendAsync(connection, Get("/bad"));
        var error = await Assert.ThrowsAsync<ClientResponseException>(async () => await connection.ReadAsync(new byte[100]));
        Assert.Equal(400, error.Status);
        Assert.Contains("Invalid HTTP response to GET http://h/bad", error.Message);
    }

    [Fact]
    public async Task An_abandoned_connection_fails_every_later_read_and_write_so_it_is_never_pooled_again()
    {
        var peer = new Peer();
        var connection = new ConnectionStream(peer);
        peer.Answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        await SendAsync(connection, Get("/a"));
        var buffer = new byte[64];
        Assert.True(await connection.ReadAsync(buffer) > 0);

        connection.Abandon();

        // A zero-byte read is how SocketsHttpHandler checks an idle connection: it must fail, not wait.
        var idleCheck = connection.ReadAsync(Memory<byte>.Empty);
        await Assert.ThrowsAsync<IOException>(async () => await idleCheck);
        await Assert.ThrowsAsync<IOException>(async () => await connection.ReadAsync(buffer));
        await Assert.ThrowsAsync<IOException>(async () => await connection.WriteAsync(new byte[] { 1 }));
        Assert.Throws<IOException>(() => connection.Read(buffer, 0, buffer.Length));
    }
}
