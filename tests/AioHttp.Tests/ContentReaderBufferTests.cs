using System.Text;

namespace AioHttp.Tests;

/// <summary>
/// The reader's buffer comes from the shared pool and goes back when nothing in it will be read again.
/// A buffer given back too early would be rented by another reader and overwritten: these tests read
/// several bodies at once, in pieces, so that any such sharing shows up as wrong bytes.
/// </summary>
public class ContentReaderBufferTests
{
    /// <summary>Serves a body in pieces of at most <c>piece</c> bytes per read, as a network does.</summary>
    private sealed class PieceStream(byte[] data, int piece) : Stream
    {
        private int _at;
        public TaskCompletionSource? Gate { get; set; } // when set, the next read waits for it

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Gate is { } gate)
            {
                Gate = null;
                await gate.Task.ConfigureAwait(false);
            }
            var n = Math.Min(Math.Min(piece, buffer.Length), data.Length - _at);
            data.AsMemory(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static byte[] Body(int seed, int length)
    {
        var random = new Random(seed);
        var body = new byte[length];
        random.NextBytes(body);
        for (var i = 0; i < length; i += random.Next(1, 200)) body[i] = (byte)'\n';
        return body;
    }

    private static ContentReader Reader(PieceStream source, RequestTimer timer, long? length = null) =>
        new(source, timer, () => { }, new UTF8Encoding(false), length);

    [Fact]
    public async Task Bodies_read_at_once_in_mixed_pieces_each_get_their_own_bytes()
    {
        using var timer = new RequestTimer(null, null, null, CancellationToken.None);
        const int Bodies = 12;
        var bodies = Enumerable.Range(0, Bodies).Select(i => Body(i, 20_000 + i * 7_919)).ToArray();
        // Some announce their length (they end without a last read), some end when the stream does.
        var readers = bodies.Select((b, i) => Reader(new PieceStream(b, 1 + i * 997 % 70_000), timer, i % 2 == 0 ? b.Length : null)).ToArray();
        var got = bodies.Select(_ => new MemoryStream()).ToArray();
        var random = new Random(42);
        var open = Enumerable.Range(0, Bodies).ToList();
        while (open.Count > 0)
        {
            var i = open[random.Next(open.Count)];
            var reader = readers[i];
            var part = random.Next(5) switch
            {
                0 => await reader.ReadAnyAsync(),
                1 => await reader.ReadLineBytesAsync(),
                2 => await reader.ReadAsync(random.Next(1, 5_000)),
                3 => await reader.ReadExactlyAsync((int)Math.Min(random.Next(0, 3_000), bodies[i].Length - got[i].Length)),
                _ => await ReadIntoAsync(reader, random.Next(1, 4_000)),
            };
            got[i].Write(part);
            if (reader.AtEof && got[i].Length == bodies[i].Length) open.Remove(i);
        }
        for (var i = 0; i < Bodies; i++) Assert.Equal(bodies[i], got[i].ToArray());
    }

    private static async Task<byte[]> ReadIntoAsync(ContentReader reader, int size)
    {
        var target = new byte[size];
        var n = await reader.ReadIntoAsync(target);
        return target[..n];
    }

    [Fact]
    public async Task Bytes_buffered_before_a_close_stay_readable_while_other_bodies_are_read()
    {
        using var timer = new RequestTimer(null, null, null, CancellationToken.None);
        var body = Body(1, 30_000);
        var closed = Reader(new PieceStream(body, 30_000), timer);
        var first = await closed.ReadAsync(10);
        closed.Discard(); // what Close() does
        // Other bodies rent and fill buffers meanwhile: had the closed one's gone back, one of them would overwrite it.
        var others = Enumerable.Range(2, 4).Select(i => (Body: Body(i, 40_000), Reader: Reader(new PieceStream(Body(i, 40_000), 40_000), timer))).ToArray();
        foreach (var (expected, reader) in others) Assert.Equal(expected[..7], await reader.ReadAsync(7));
        var rest = await closed.ReadAsync(body.Length);
        Assert.Equal(body, first.Concat(rest).ToArray());
        foreach (var (expected, reader) in others) Assert.Equal(expected[7..], await reader.ReadAsync());
    }

    [Fact]
    public async Task A_close_during_a_running_read_leaves_the_buffer_to_that_read()
    {
        using var timer = new RequestTimer(null, null, null, CancellationToken.None);
        var body = Body(7, 50_000);
        var source = new PieceStream(body, 50_000);
        var reader = Reader(source, timer);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Gate = gate;
        var running = reader.ReadExactlyAsync(3);
        reader.Discard(); // Close() while the read waits for the network
        // Another body reads part of itself into a rented buffer and keeps the rest there.
        var otherBody = Body(8, 50_000);
        var other = Reader(new PieceStream(otherBody, 50_000), timer);
        Assert.Equal(otherBody[..5], await other.ReadAsync(5));
        gate.SetResult(); // the first read now fills its buffer
        Assert.Equal(body[..3], await running);
        Assert.Equal(otherBody[5..], await other.ReadAsync());
    }
}
