// Header values on the wire: UTF-8 out (aiohttp's rule), and a server's bytes back exactly as they came.
using System.Text;

namespace AioHttp.Tests;

public class HeaderValueEncodingTests
{
    private static readonly Encoding Wire = HeaderValueEncoding.Instance;

    [Fact]
    public void Text_is_written_as_utf8()
    {
        const string text = "Dvořák café 日本 💀";
        Assert.Equal(Encoding.UTF8.GetBytes(text), Wire.GetBytes(text));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), Wire.GetByteCount(text));
        Assert.Equal(text, Wire.GetString(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Every_single_byte_comes_back_as_it_was()
    {
        for (var b = 0; b < 256; b++)
        {
            var bytes = new[] { (byte)'a', (byte)b, (byte)'z' };
            Assert.Equal(bytes, Wire.GetBytes(Wire.GetString(bytes)));
        }
    }

    [Fact]
    public void Any_byte_sequence_comes_back_as_it_was()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 24)];
            random.NextBytes(bytes);
            var text = Wire.GetString(bytes);
            Assert.Equal(bytes, Wire.GetBytes(text));
            Assert.Equal(bytes.Length, Wire.GetByteCount(text));
        }
    }

    [Fact]
    public void A_byte_that_is_not_utf8_is_held_as_its_escape_and_utf8_is_decoded()
    {
        // "caf" + é as UTF-8, then a lone Latin-1 é (0xE9), then a cut-short UTF-8 sequence.
        var text = Wire.GetString([0x63, 0x61, 0x66, 0xC3, 0xA9, 0xE9, 0xE2, 0x82]);
        Assert.Equal("café\uDCE9\uDCE2\uDC82", text);
    }

    [Fact]
    public void A_value_net_decoded_as_latin1_becomes_the_text_it_carries()
    {
        Assert.Equal("café", HeaderValueEncoding.FromLatin1("cafÃ©"));
        Assert.Equal("caf\uDCE9", HeaderValueEncoding.FromLatin1("café"));
        const string ascii = "sid=abc; Path=/";
        Assert.Same(ascii, HeaderValueEncoding.FromLatin1(ascii));
    }

    [Fact]
    public void A_lone_surrogate_that_escapes_nothing_is_written_as_the_replacement_character()
    {
        Assert.Equal([0x61, 0xEF, 0xBF, 0xBD, 0x62], Wire.GetBytes("a\uD800b"));
        Assert.Equal([0xEF, 0xBF, 0xBD], Wire.GetBytes("\uDC10"));
    }

    [Fact]
    public void The_low_half_of_a_real_surrogate_pair_is_not_taken_for_an_escape()
    {
        // U+1F480 is D83D DC80: its low half is in the escape range, but it is part of a pair.
        Assert.Equal(Encoding.UTF8.GetBytes("\U0001F480"), Wire.GetBytes("\U0001F480"));
    }
}
