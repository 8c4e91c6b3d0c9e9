using System.IO.Compression;
using System.Text;
using System.Threading.Channels;

namespace AioHttp.Tests;

public class PayloadStreamingTests
{
    private static async Task<byte[]> Written(Payload payload)
    {
        var ms = new MemoryStream();
        await payload.WriteToAsync(ms, CancellationToken.None);
        return ms.ToArray();
    }

    private static string TempFile(byte[] content, string extension = ".bin")
    {
        var path = Path.Combine(Path.GetTempPath(), $"payload-{Guid.NewGuid():N}{extension}");
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public async Task A_file_payload_knows_its_length_guesses_its_type_and_can_be_sent_twice()
    {
        var path = TempFile(Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray(), ".csv");
        try
        {
            var payload = new FilePayload(path);
            Assert.Equal(300_000, payload.Length);
            Assert.Equal("text/csv", payload.ContentType);
            Assert.True(payload.IsReplayable);
            Assert.Equal(await File.ReadAllBytesAsync(path), await Written(payload));
            Assert.Equal(await File.ReadAllBytesAsync(path), await Written(payload));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_file_fails_at_once_naming_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.bin");
        var error = Assert.Throws<FileNotFoundException>(() => new FilePayload(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_folder_is_not_a_file_payload()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new FilePayload(Path.GetTempPath()));
        Assert.Contains("folder", error.Message);
    }

    [Fact]
    public async Task A_file_that_shrinks_while_sent_aborts_rather_than_sending_short()
    {
        var path = TempFile(new byte[1000]);
        try
        {
            var payload = new FilePayload(path);
            File.WriteAllBytes(path, new byte[10]);
            var error = await Assert.ThrowsAsync<ClientException>(() => Written(payload));
            Assert.Contains("shrank", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("report.XLS", "application/vnd.ms-excel")]
    [InlineData("photo.jpeg", "image/jpeg")]
    [InlineData("archive.unknownext", "application/octet-stream")]
    [InlineData("no-extension", "application/octet-stream")]
    [InlineData(null, "application/octet-stream")]
    public void The_content_type_is_guessed_from_common_extensions_only(string? name, string expected)
    {
        Assert.Equal(expected, ContentTypes.Guess(name));
    }

    [Fact]
    public async Task A_seekable_stream_is_sent_from_where_it_stood_each_time()
    {
        var stream = new MemoryStream(Encoding.ASCII.GetBytes("skip:payload"));
        stream.Position = 5;
        var payload = new StreamPayload(stream);
        Assert.Equal(7, payload.Length);
        Assert.True(payload.IsReplayable);
        Assert.Equal("payload", Encoding.ASCII.GetString(await Written(payload)));
        Assert.Equal("payload", Encoding.ASCII.GetString(await Written(payload)));
    }

    [Fact]
    public async Task A_stream_that_cannot_seek_has_no_length_and_is_sent_once()
    {
        var payload = new StreamPayload(new ForwardOnlyStream(new byte[] { 1, 2, 3 }));
        Assert.Null(payload.Length);
        Assert.False(payload.IsReplayable);
        Assert.Equal(new byte[] { 1, 2, 3 }, await Written(payload));
        await Assert.ThrowsAsync<ClientException>(() => Written(payload));
    }

    [Fact]
    public async Task Channel_chunks_are_sent_in_order_as_produced_and_only_once()
    {
        var channel = Channel.CreateBounded<ReadOnlyMemory<byte>>(2);
        var payload = AsyncEnumerablePayload.FromChannel(channel.Reader, "a test producer");
        Assert.Null(payload.Length);
        Assert.False(payload.IsReplayable);
        var producer = Task.Run(async () =>
        {
            foreach (var s in new[] { "a", "", "bc", "def" }) await channel.Writer.WriteAsync(Encoding.ASCII.GetBytes(s));
            channel.Writer.Complete();
        });
        Assert.Equal("abcdef", Encoding.ASCII.GetString(await Written(payload)));
        await producer;
        var again = await Assert.ThrowsAsync<ClientException>(() => Written(payload));
        Assert.Contains("a test producer", again.Message);
    }

    [Fact]
    public async Task A_producer_failure_aborts_the_send_with_that_error()
    {
        var channel = Channel.CreateUnbounded<ReadOnlyMemory<byte>>();
        await channel.Writer.WriteAsync(new byte[] { 1 });
        channel.Writer.Complete(new ClientException("producer broke"));
        var error = await Assert.ThrowsAsync<ClientException>(() => Written(AsyncEnumerablePayload.FromChannel(channel.Reader)));
        Assert.Equal("producer broke", error.Message);
    }

    [Theory]
    [InlineData(ContentCompression.Gzip, "gzip")]
    [InlineData(ContentCompression.Deflate, "deflate")]
    public async Task A_compressed_payload_decodes_to_the_original_and_keeps_its_inner_replayability(ContentCompression compression, string token)
    {
        var original = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compress me ", 1000)));
        var payload = new CompressedPayload(new BytesPayload(original, "text/plain"), compression);
        Assert.Equal(token, payload.ContentEncoding);
        Assert.Null(payload.Length);
        Assert.True(payload.IsReplayable);
        Assert.Equal("text/plain", payload.ContentType);
        var compressed = await Written(payload);
        Assert.True(compressed.Length < original.Length / 10);
        // HTTP's deflate is the zlib format (RFC 9110 §8.4.1.2), as aiohttp sends it.
        Stream decoder = compression == ContentCompression.Gzip
            ? new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress)
            : new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var decoded = new MemoryStream();
        await decoder.CopyToAsync(decoded);
        Assert.Equal(original, decoded.ToArray());
        Assert.False(new CompressedPayload(new StreamPayload(new ForwardOnlyStream(original)), compression).IsReplayable);
    }

    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
