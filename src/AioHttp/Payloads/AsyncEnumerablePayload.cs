using System.Threading.Channels;

namespace AioHttp;

/// <summary>
/// Chunks produced elsewhere, sent as they arrive (aiohttp's AsyncIterablePayload): chunked
/// transfer, no Content-Length, and sent once only (the chunks are gone after the first send).
/// </summary>
public sealed class AsyncEnumerablePayload : Payload
{
    private readonly IAsyncEnumerable<ReadOnlyMemory<byte>> _chunks;
    private readonly string _description;
    private int _started;

    public AsyncEnumerablePayload(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string description = "a sequence of chunks",
        string? contentType = ContentTypes.OctetStream)
    {
        _chunks = chunks ?? throw new ArgumentNullException(nameof(chunks));
        _description = description;
        ContentType = contentType;
    }

    /// <summary>The chunks a producer writes into a channel; completing the channel with an error aborts the request.</summary>
    public static AsyncEnumerablePayload FromChannel(ChannelReader<ReadOnlyMemory<byte>> reader, string description = "a channel of chunks",
        string? contentType = ContentTypes.OctetStream) =>
        new(reader.ReadAllAsync(), description, contentType);

    public override long? Length => null;

    public override bool IsReplayable => false;

    public override string Description => _description;

    /// <summary>Bytes written so far (for error messages that say how far a send got).</summary>
    public long BytesSent { get; private set; }

    public override async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new ClientException($"The body ({_description}) was already sent once and cannot be produced again.");
        await foreach (var chunk in _chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (chunk.IsEmpty) continue; // an empty chunk would end a chunked body early
            await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            BytesSent += chunk.Length;
        }
    }
}
