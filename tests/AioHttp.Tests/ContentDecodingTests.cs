using System.IO.Compression;
using System.Text;

namespace AioHttp.Tests;

public class ContentDecodingTests
{
    private static readonly byte[] Plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("aiohttp ", 500)));

    private static byte[] Compress(Func<Stream, Stream> make)
    {
        var ms = new MemoryStream();
        using (var z = make(ms)) z.Write(Plain);
        return ms.ToArray();
    }

    private static byte[] Decode(byte[] body, params string[] encodings)
    {
        using var decoded = ContentDecoding.Wrap(new MemoryStream(body), encodings);
        var output = new MemoryStream();
        decoded.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public void Gzip_is_decoded() =>
        Assert.Equal(Plain, Decode(Compress(s => new GZipStream(s, CompressionLevel.Fastest)), "gzip"));

    [Fact]
    public void Deflate_as_zlib_is_decoded() =>
        Assert.Equal(Plain, Decode(Compress(s => new ZLibStream(s, CompressionLevel.Fastest)), "deflate"));

    [Fact]
    public void Raw_deflate_is_decoded_too() =>
        Assert.Equal(Plain, Decode(Compress(s => new DeflateStream(s, CompressionLevel.Fastest)), "deflate"));

    [Fact]
    public void Brotli_is_decoded() =>
        Assert.Equal(Plain, Decode(Compress(s => new BrotliStream(s, CompressionLevel.Fastest)), "br"));

    [Fact]
    public void Stacked_codings_are_undone_last_first()
    {
        var gz = Compress(s => new GZipStream(s, CompressionLevel.Fastest));
        var ms = new MemoryStream();
        using (var br = new BrotliStream(ms, CompressionLevel.Fastest)) br.Write(gz);
        Assert.Equal(Plain, Decode(ms.ToArray(), "gzip, br"));
    }

    [Fact]
    public void Identity_and_unknown_codings_pass_through() =>
        Assert.Equal(Plain, Decode(Plain, "identity", "x-unknown"));

    [Fact]
    public void Garbage_under_gzip_is_refused_as_not_gzip() =>
        Assert.Contains("not gzip data", Assert.Throws<CompressedBodyException>(() => Decode(Encoding.ASCII.GetBytes("definitely not gzip"), "gzip")).Message);
}

public class TruncatedCompressionTests
{
    private static readonly byte[] Plain = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static byte[] Compress(Func<Stream, Stream> make)
    {
        var ms = new MemoryStream();
        using (var z = make(ms)) z.Write(Plain);
        return ms.ToArray();
    }

    private static byte[] Decode(byte[] body, string encoding)
    {
        using var decoded = ContentDecoding.Wrap(new MemoryStream(body), new[] { encoding });
        var output = new MemoryStream();
        decoded.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(4)]
    [InlineData(1)]
    public void A_cut_off_gzip_body_is_an_error(int cut)
    {
        var gz = Compress(s => new GZipStream(s, CompressionLevel.Optimal));
        Assert.Throws<CompressedBodyException>(() => Decode(gz[..^cut], "gzip"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2)]
    public void A_cut_off_zlib_body_is_an_error(int cut)
    {
        var z = Compress(s => new ZLibStream(s, CompressionLevel.Optimal));
        Assert.Throws<CompressedBodyException>(() => Decode(z[..^cut], "deflate"));
    }

    [Fact]
    public void Whole_bodies_still_decode()
    {
        Assert.Equal(Plain, Decode(Compress(s => new GZipStream(s, CompressionLevel.Optimal)), "gzip"));
        Assert.Equal(Plain, Decode(Compress(s => new ZLibStream(s, CompressionLevel.Optimal)), "deflate"));
    }
}
