namespace AioHttp;

/// <summary>
/// Another response's body forwarded as it arrives (aiohttp's data=resp.content: the GET→POST
/// chaining of the client guide). The response must have been opened with
/// <see cref="RequestOptions.Stream"/>; it is closed once forwarded. Sent once only.
/// </summary>
public sealed class ResponsePayload : Payload
{
    private readonly ClientResponse _response;
    private int _started;

    public ResponsePayload(ClientResponse response, string? contentType = null)
    {
        _response = response ?? throw new ArgumentNullException(nameof(response));
        if (response.IsBuffered)
            throw new ArgumentException(
                $"The response from {response.Url} was already read in full, so there is nothing left to forward. Open it with -Stream (RequestOptions.Stream) to forward its body as it arrives, or send its bytes ($response.Read()).",
                nameof(response));
        // The source's Content-Type as it sent it (its bytes, not Latin-1 re-encoded as UTF-8).
        ContentType = contentType ?? (response.Headers["Content-Type"] is { } type ? HeaderValueEncoding.FromLatin1(type) : ContentTypes.OctetStream);
    }

    /// <summary>Content-Length when the source announced one and sends it undecoded; else chunked.</summary>
    public override long? Length =>
        _response.Headers["Content-Encoding"] is null && _response.ContentLength is { } length && _response.Content.BytesRead == 0 ? length : null;

    public override bool IsReplayable => false;

    public override bool IsStreamed => true;

    public override string Description => $"the streamed response from {_response.Url}";

    public override async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new ClientException($"The body ({Description}) was already forwarded once and cannot be read again.");
        try
        {
            await _response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _response.Close();
        }
    }
}
