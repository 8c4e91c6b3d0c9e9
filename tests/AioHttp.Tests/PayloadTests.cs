using System.Text;

namespace AioHttp.Tests;

public class PayloadTests
{
    private static async Task<string> Written(Payload payload)
    {
        var ms = new MemoryStream();
        await payload.WriteToAsync(ms, CancellationToken.None);
        return Encoding.Latin1.GetString(ms.ToArray());
    }

    [Fact]
    public async Task A_form_is_urlencoded_as_python_urlencode_does()
    {
        var form = FormUrlEncodedPayload.Create(new KeyValuePair<string, string>[]
        {
            new("key1", "value 1"), new("a+b", "?=&;"), new("ключ", "знач"), new("safe", "-._~"),
        });
        Assert.Equal("application/x-www-form-urlencoded", form.ContentType);
        Assert.Equal("key1=value+1&a%2Bb=%3F%3D%26%3B&%D0%BA%D0%BB%D1%8E%D1%87=%D0%B7%D0%BD%D0%B0%D1%87&safe=-._~", await Written(form));
    }

    [Fact]
    public void A_string_body_is_utf8_text_plain_by_default()
    {
        var payload = StringPayload.Create("Привет");
        Assert.Equal("text/plain; charset=utf-8", payload.ContentType);
        Assert.Equal(12, payload.Length);
    }

    [Fact]
    public void A_string_body_is_encoded_in_the_charset_its_content_type_names()
    {
        var payload = StringPayload.Create("Привет", "text/plain; charset=windows-1251");
        Assert.Equal(6, payload.Length);
    }

    [Fact]
    public void Bytes_default_to_octet_stream_with_a_known_length()
    {
        var payload = new BytesPayload(new byte[] { 1, 2, 3 });
        Assert.Equal("application/octet-stream", payload.ContentType);
        Assert.Equal(3, payload.Length);
        Assert.True(payload.IsReplayable);
    }
}
