using System.Net;
using System.Net.Http.Headers;

namespace AioHttp;

/// <summary>
/// A request body: aiohttp's Payload. Written straight to the connection, never copied; a payload
/// that can be written twice (<see cref="IsReplayable"/>) can follow a 307/308 redirect or a retry.
/// </summary>
public abstract class Payload
{
    private string? _contentType;

    /// <summary>
    /// The Content-Type sent unless the request names one. Checked when set, so a value that would
    /// split the request (CR, LF, NUL) fails where it was given, before anything is sent.
    /// </summary>
    public string? ContentType
    {
        get => _contentType;
        set
        {
            if (value is not null) InvalidHeaderException.ThrowIfInvalidValue("Content-Type", value);
            _contentType = value;
        }
    }

    /// <summary>The length when known (sent as Content-Length); null sends chunked.</summary>
    public abstract long? Length { get; }

    /// <summary>Whether the body can be sent again (redirects, retries).</summary>
    public virtual bool IsReplayable => true;

    /// <summary>A description for error messages ("a ScriptBlock", "a 3 MB file ...").</summary>
    public virtual string Description => GetType().Name;

    /// <summary>
    /// Whether the body is read from a file or a stream while it is sent (a file, a stream, a forwarded
    /// response, a form with such a part): an upload worth a progress bar, unlike bytes already in memory.
    /// </summary>
    public virtual bool IsStreamed => false;

    public abstract Task WriteToAsync(Stream destination, CancellationToken cancellationToken);

    /// <param name="progress">Counts the bytes as the connection takes them; null counts nothing and wraps nothing.</param>
    internal HttpContent ToHttpContent(bool chunked = false, TransferProgress? progress = null) => new PayloadContent(this, chunked, progress);

    private sealed class PayloadContent : HttpContent
    {
        private readonly Payload _payload;
        private readonly bool _chunked;
        private readonly TransferProgress? _progress;

        public PayloadContent(Payload payload, bool chunked, TransferProgress? progress)
        {
            _payload = payload;
            _chunked = chunked;
            _progress = progress;
            if (payload.ContentType is not null && MediaTypeHeaderValue.TryParse(payload.ContentType, out var mediaType))
                Headers.ContentType = mediaType;
            else if (payload.ContentType is not null)
                Headers.TryAddWithoutValidation("Content-Type", payload.ContentType);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _progress is null ? _payload.WriteToAsync(stream, cancellationToken) : WriteCountedAsync(stream, _progress, cancellationToken);

        // Each send (a redirect's or a retry's too) counts from zero; the count ends however the send ends.
        private async Task WriteCountedAsync(Stream stream, TransferProgress progress, CancellationToken cancellationToken)
        {
            progress.Start(_payload.Description, _payload.Length);
            try
            {
                await _payload.WriteToAsync(new CountingWriteStream(stream, progress), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                progress.End();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            // No length makes the handler send chunked (HTTP/1.1) or a plain DATA stream (HTTP/2).
            var known = _chunked ? null : _payload.Length;
            length = known ?? -1;
            return known.HasValue;
        }
    }
}

/// <summary>Bytes as they are (aiohttp's BytesPayload): application/octet-stream unless told otherwise.</summary>
public sealed class BytesPayload : Payload
{
    private readonly ReadOnlyMemory<byte> _data;

    public BytesPayload(ReadOnlyMemory<byte> data, string? contentType = "application/octet-stream")
    {
        _data = data;
        ContentType = contentType;
    }

    public override long? Length => _data.Length;

    internal ReadOnlyMemory<byte> Data => _data;

    public override string Description => $"{_data.Length} bytes";

    public override Task WriteToAsync(Stream destination, CancellationToken cancellationToken) =>
        destination.WriteAsync(_data, cancellationToken).AsTask();
}

/// <summary>Text (aiohttp's StringPayload): encoded once, text/plain; charset=utf-8 unless told otherwise.</summary>
public static class StringPayload
{
    public static BytesPayload Create(string text, string? contentType = null)
    {
        var encoding = System.Text.Encoding.UTF8;
        if (contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var mt) && mt.CharSet is { Length: > 0 } cs)
        {
            encoding = Charsets.GetEncoding(cs) ?? encoding;
        }
        return new BytesPayload(encoding.GetBytes(text), contentType ?? "text/plain; charset=utf-8");
    }
}

/// <summary>A form sent as application/x-www-form-urlencoded (aiohttp's data=dict).</summary>
public static class FormUrlEncodedPayload
{
    public static BytesPayload Create(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var (key, value) in fields)
        {
            if (sb.Length > 0) sb.Append('&');
            sb.Append(FormEncode(key)).Append('=').Append(FormEncode(value));
        }
        return new BytesPayload(System.Text.Encoding.ASCII.GetBytes(sb.ToString()), "application/x-www-form-urlencoded");
    }

    // Python's urlencode with quote_plus: unreserved kept, space as '+', everything else %XX of UTF-8.
    private static string FormEncode(string s)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(s);
        var sb = new System.Text.StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
                sb.Append((char)b);
            else if (b == ' ')
                sb.Append('+');
            else
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
