using System.Text;

namespace AioHttp.Tests;

public class MultipartWriterTests
{
    private static async Task<byte[]> Written(Payload payload)
    {
        var ms = new MemoryStream();
        await payload.WriteToAsync(ms, CancellationToken.None);
        return ms.ToArray();
    }

    [Fact]
    public async Task A_form_data_body_is_delimited_parts_then_the_close_delimiter_and_its_length_is_exact()
    {
        var writer = new MultipartWriter("form-data", boundary: "b0und");
        writer.AppendFormField("note", StringPayload.Create("hi"));
        writer.AppendFormField("file", new BytesPayload(new byte[] { 1, 2 }), "a.bin");
        var body = await Written(writer);
        var expected =
            "--b0und\r\nContent-Disposition: form-data; name=\"note\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n" +
            "--b0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\u0001\u0002\r\n" +
            "--b0und--\r\n";
        Assert.Equal(expected, Encoding.Latin1.GetString(body));
        Assert.Equal(body.Length, writer.Length);
        Assert.Equal("multipart/form-data; boundary=b0und", writer.ContentType);
    }

    [Fact]
    public void A_random_boundary_is_new_for_each_writer()
    {
        Assert.NotEqual(new MultipartWriter().Boundary, new MultipartWriter().Boundary);
        Assert.Equal(32, new MultipartWriter().Boundary.Length);
    }

    [Fact]
    public void A_boundary_with_characters_a_token_cannot_hold_is_quoted_in_the_content_type()
    {
        Assert.Equal("multipart/mixed; boundary=\"a b:c\"", new MultipartWriter("mixed", "a b:c").ContentType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ends with space ")]
    [InlineData("bad\u00e9")]
    public void A_boundary_outside_RFC_2046_is_refused(string boundary)
    {
        Assert.Throws<ArgumentException>(() => new MultipartWriter("mixed", boundary));
    }

    [Fact]
    public void The_length_is_unknown_when_a_part_length_is()
    {
        var writer = new MultipartWriter("form-data");
        writer.AppendFormField("chunks", new AsyncEnumerablePayload(AsyncEnumerable.Empty<ReadOnlyMemory<byte>>()));
        Assert.Null(writer.Length);
        Assert.False(writer.IsReplayable);
    }

    [Fact]
    public void Names_and_file_names_are_quoted_with_quote_and_backslash_escaped()
    {
        Assert.Equal("form-data; name=\"a\\\"b\\\\c\"; filename=\"x \\\"1\\\".txt\"", ContentDisposition.FormData("a\"b\\c", "x \"1\".txt"));
    }

    [Fact]
    public void A_non_ascii_file_name_is_sent_as_utf8_and_as_filename_star()
    {
        Assert.Equal("form-data; name=\"f\"; filename=\"отчёт.txt\"; filename*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.txt",
            ContentDisposition.FormData("f", "отчёт.txt"));
    }

    [Fact]
    public async Task Part_headers_are_written_as_utf8()
    {
        var writer = new MultipartWriter("form-data", "B");
        writer.AppendFormField("поле", StringPayload.Create("v"));
        var text = Encoding.UTF8.GetString(await Written(writer));
        Assert.Contains("name=\"поле\"", text);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), writer.Length);
    }

    [Theory]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("a\nb")]
    public void A_line_break_in_a_name_is_refused(string name)
    {
        Assert.Throws<InvalidHeaderException>(() => ContentDisposition.FormData(name));
        Assert.Throws<InvalidHeaderException>(() => new FormData().AddField(name, "v"));
    }

    [Fact]
    public void A_form_of_text_fields_only_is_urlencoded_as_aiohttp_sends_it()
    {
        var form = new FormData().AddField("a", "b c").AddField("a", "d");
        Assert.False(form.IsMultipart);
        var payload = form.ToPayload();
        Assert.Equal("application/x-www-form-urlencoded", payload.ContentType);
    }

    [Fact]
    public async Task A_form_with_a_file_name_bytes_or_default_to_multipart_is_multipart()
    {
        Assert.True(new FormData().AddField("a", "b", fileName: "b.txt").IsMultipart);
        Assert.True(new FormData().AddField("a", "b", contentType: "text/csv").IsMultipart);
        Assert.True(new FormData().AddBytes("a", new byte[] { 1 }).IsMultipart);
        Assert.True(new FormData(defaultToMultipart: true).AddField("a", "b").IsMultipart);
        var body = Encoding.UTF8.GetString(await Written(new FormData(defaultToMultipart: true).AddField("k", "v").ToPayload()));
        Assert.Contains("Content-Disposition: form-data; name=\"k\"\r\n", body);
        Assert.EndsWith("--\r\n", body);
    }

    [Fact]
    public async Task A_file_part_takes_the_file_name_and_a_type_guessed_from_it_and_is_streamed_on_each_send()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mp-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, "{}");
        try
        {
            var form = new FormData().AddFile("doc", path);
            Assert.Equal(Path.GetFileName(path), form.Fields[0].FileName);
            Assert.Equal("application/json", form.Fields[0].ContentType);
            var payload = form.ToPayload();
            Assert.True(payload.IsReplayable);
            var first = await Written(payload);
            var second = await Written(payload);
            Assert.Equal(first, second);
            Assert.Equal(first.Length, payload.Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
