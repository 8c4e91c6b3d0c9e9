using System.Text;

namespace AioHttp.Tests;

public class CharsetsTests
{
    [Fact]
    public void Code_pages_resolve_by_name()
    {
        Assert.Equal(1251, Charsets.GetEncodingOrThrow("windows-1251").CodePage);
        Assert.Equal(932, Charsets.GetEncodingOrThrow("shift_jis").CodePage);
        Assert.Equal(28591, Charsets.GetEncodingOrThrow("\"ISO-8859-1\"").CodePage);
    }

    [Fact]
    public void An_unknown_charset_is_an_error_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Charsets.GetEncodingOrThrow("no-such-charset"));
        Assert.Contains("no-such-charset", error.Message);
        Assert.Null(Charsets.GetEncoding("no-such-charset"));
    }

    [Fact]
    public void Valid_utf8_is_detected_as_utf8()
    {
        Assert.Equal(65001, Charsets.Detect(Encoding.UTF8.GetBytes("Привет")).CodePage);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_fall_back_to_windows_1252()
    {
        Assert.Equal(1252, Charsets.Detect(new byte[] { 0x43, 0x61, 0x66, 0xE9 }).CodePage); // "Café" in Latin-1
    }

    [Fact]
    public void A_byte_order_mark_wins_and_is_not_decoded_into_the_text()
    {
        var bom = new byte[] { 0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i' };
        var encoding = Charsets.Detect(bom);
        Assert.Equal("hi", Charsets.Decode(bom, encoding));
        var utf16 = new byte[] { 0xFF, 0xFE, (byte)'h', 0, (byte)'i', 0 };
        Assert.Equal("hi", Charsets.Decode(utf16, Charsets.Detect(utf16)));
    }
}
