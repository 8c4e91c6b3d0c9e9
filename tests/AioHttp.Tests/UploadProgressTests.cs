namespace AioHttp.Tests;

/// <summary>The count behind an upload's progress bar: what the body's HttpContent wrote, however the send ends.</summary>
public class UploadProgressTests
{
    // A destination that takes only so many bytes and then fails, as a connection the server closed.
    private sealed class FailingAfter(int limit) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length + buffer.Length > limit) throw new IOException("Connection reset by peer");
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    [Fact]
    public async Task Counts_every_byte_written_against_the_known_total_and_ends()
    {
        var data = new byte[600_000];
        var progress = new TransferProgress();
        var payload = new StreamPayload(new MemoryStream(data));
        var sent = new MemoryStream();
        await payload.ToHttpContent(progress: progress).CopyToAsync(sent);
        Assert.Equal(600_000, sent.Length);
        Assert.Equal(600_000, progress.Bytes);
        Assert.Equal(600_000, progress.TotalBytes);
        Assert.Equal(payload.Description, progress.Target);
        Assert.True(progress.Started);
        Assert.True(progress.Ended);
    }

    [Fact]
    public async Task Counts_only_what_the_connection_took_when_the_send_fails_and_still_ends()
    {
        var path = Path.Combine(Path.GetTempPath(), $"upload-progress-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, new byte[1_000_000]);
        try
        {
            var progress = new TransferProgress();
            var payload = new FilePayload(path); // sent in blocks of StreamPayload.BufferSize
            // HttpContent wraps the connection's IOException, as the handler does.
            await Assert.ThrowsAsync<HttpRequestException>(() => payload.ToHttpContent(progress: progress).CopyToAsync(new FailingAfter(StreamPayload.BufferSize + 10)));
            Assert.Equal(StreamPayload.BufferSize, progress.Bytes);
            Assert.Equal(1_000_000, progress.TotalBytes);
            Assert.True(progress.Ended);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_body_sent_again_counts_from_zero()
    {
        var progress = new TransferProgress();
        var payload = new BytesPayload(new byte[1000]);
        await payload.ToHttpContent(progress: progress).CopyToAsync(new MemoryStream());
        await payload.ToHttpContent(progress: progress).CopyToAsync(new MemoryStream());
        Assert.Equal(1000, progress.Bytes);
    }

    [Fact]
    public async Task A_compressed_body_has_no_total_and_counts_the_compressed_bytes()
    {
        var progress = new TransferProgress();
        var payload = new CompressedPayload(new BytesPayload(new byte[100_000]), ContentCompression.Gzip);
        var sent = new MemoryStream();
        await payload.ToHttpContent(progress: progress).CopyToAsync(sent);
        Assert.Null(progress.TotalBytes);
        Assert.Equal(sent.Length, progress.Bytes);
    }

    [Fact]
    public void Only_bodies_read_while_they_are_sent_are_streamed()
    {
        Assert.True(new StreamPayload(new MemoryStream(new byte[1])).IsStreamed);
        Assert.False(new BytesPayload(new byte[1]).IsStreamed);
        var form = new MultipartWriter("form-data");
        form.AppendFormField("note", StringPayload.Create("x"));
        Assert.False(form.IsStreamed);
        form.AppendFormField("file", new StreamPayload(new MemoryStream(new byte[1])), "a.bin");
        Assert.True(form.IsStreamed);
        Assert.True(new CompressedPayload(form, ContentCompression.Gzip).IsStreamed);
    }
}
