namespace AioHttp;

/// <summary>
/// A form (aiohttp's FormData): fields added one by one, sent as multipart/form-data once any field
/// is a file, a stream, bytes, or has a file name or content type of its own; otherwise as
/// application/x-www-form-urlencoded, as aiohttp does. Each send builds a fresh body, so a form can
/// be sent again when all its parts can.
/// </summary>
public sealed class FormData
{
    private readonly List<FormDataField> _fields = new();
    private bool _hasPartOnlyField;

    /// <param name="defaultToMultipart">aiohttp's default_to_multipart: send multipart even with text fields only.</param>
    public FormData(bool defaultToMultipart = false)
    {
        DefaultToMultipart = defaultToMultipart;
    }

    public bool DefaultToMultipart { get; set; }

    /// <summary>Whether the form goes as multipart/form-data (else urlencoded).</summary>
    public bool IsMultipart => DefaultToMultipart || _hasPartOnlyField;

    public IReadOnlyList<FormDataField> Fields => _fields;

    /// <summary>A text field; with a file name or content type it becomes a part of its own (multipart).</summary>
    public FormData AddField(string name, string value, string? contentType = null, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (contentType is null && fileName is null)
            return Add(new FormDataField(name, value, null, null, null));
        return Add(new FormDataField(name, value, fileName, contentType, StringPayload.Create(value, contentType)));
    }

    /// <summary>A part from any payload (multipart).</summary>
    public FormData AddField(string name, Payload payload, string? fileName = null, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (contentType is not null) payload.ContentType = contentType;
        return Add(new FormDataField(name, null, fileName, payload.ContentType, payload));
    }

    /// <summary>A file part, streamed from disk when sent; the file name defaults to the file's, the type is guessed from it.</summary>
    public FormData AddFile(string name, string path, string? fileName = null, string? contentType = null)
    {
        var payload = new FilePayload(path, contentType ?? ContentTypes.Guess(fileName ?? path));
        return AddField(name, payload, fileName ?? Path.GetFileName(payload.Path));
    }

    /// <summary>A part read from a stream (aiohttp: an io object makes the form multipart). The file name defaults to the field name.</summary>
    public FormData AddStream(string name, Stream stream, string? fileName = null, string? contentType = null) =>
        AddField(name, new StreamPayload(stream, contentType ?? ContentTypes.Guess(fileName)), fileName ?? name);

    /// <summary>A part of raw bytes, application/octet-stream unless told otherwise.</summary>
    public FormData AddBytes(string name, byte[] data, string? fileName = null, string? contentType = null) =>
        AddField(name, new BytesPayload(data, contentType ?? ContentTypes.Guess(fileName)), fileName);

    /// <summary>The body to send: multipart/form-data or urlencoded (see the class summary).</summary>
    public Payload ToPayload()
    {
        if (!IsMultipart)
            return FormUrlEncodedPayload.Create(_fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value!)));
        var writer = new MultipartWriter("form-data");
        foreach (var field in _fields)
            writer.AppendFormField(field.Name, field.Payload ?? StringPayload.Create(field.Value!), field.FileName);
        return writer;
    }

    private FormData Add(FormDataField field)
    {
        if (field.Payload is not null) _hasPartOnlyField = true;
        _fields.Add(field);
        return this;
    }

    public override string ToString() => $"FormData ({_fields.Count} field(s), {(IsMultipart ? "multipart/form-data" : "urlencoded")})";
}

/// <summary>One field of a <see cref="FormData"/>: a text value, or a part with its payload.</summary>
public sealed class FormDataField
{
    internal FormDataField(string name, string? value, string? fileName, string? contentType, Payload? payload)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Checked now, so a bad name fails where it was added rather than at send time.
        ContentDisposition.Quote(name, "field name");
        if (fileName is not null) ContentDisposition.Quote(fileName, "file name");
        Name = name;
        Value = value;
        FileName = fileName;
        ContentType = contentType;
        Payload = payload;
    }

    public string Name { get; }
    /// <summary>The text of a text field; null for a part with a payload.</summary>
    public string? Value { get; }
    public string? FileName { get; }
    public string? ContentType { get; }
    /// <summary>The length when known.</summary>
    public long? Length => Payload?.Length ?? (Value is null ? null : System.Text.Encoding.UTF8.GetByteCount(Value));
    internal Payload? Payload { get; }
}
