using System.IO.Compression;
using System.Text;

namespace AioHttp.Tests;

/// <summary>
/// The framing rules of the decoders: every gzip member is decoded (RFC 1952 2.2), a body cut off
/// anywhere is an error, and bytes after the end of the compressed data are reported as such, for
/// gzip, zlib and brotli alike, however the network happens to slice the body.
/// </summary>
public class CompressedFramingTests
{
    private static readonly byte[] First = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"first {i}\n")));
    private static readonly byte[] Second = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"second {i * 7}\n")));

    // How the network may cut the body into reads: byte by byte, odd sizes, one large read.
    public static TheoryData<int> Slicings => new() { 1, 7, 4096, 1 << 20 };

    private static byte[] Compress(byte[] data, Func<Stream, Stream> make)
    {
        var ms = new MemoryStream();
        using (var z = make(ms)) z.Write(data);
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] data) => Compress(data, s => new GZipStream(s, CompressionLevel.Optimal));
    private static byte[] Zlib(byte[] data) => Compress(data, s => new ZLibStream(s, CompressionLevel.Optimal));
    private static byte[] RawDeflate(byte[] data) => Compress(data, s => new DeflateStream(s, CompressionLevel.Optimal));
    private static byte[] Brotli(byte[] data) => Compress(data, s => new BrotliStream(s, CompressionLevel.Optimal));

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    internal static byte[] Decode(byte[] body, string encoding, int slice = 1 << 20)
    {
        using var decoded = ContentDecoding.Wrap(new SlicedStream(body, slice), new[] { encoding });
        var output = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = decoded.ReadAsync(buffer).AsTask().GetAwaiter().GetResult()) > 0) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    private static CompressedBodyException DecodeFails(byte[] body, string encoding, int slice = 1 << 20) =>
        Assert.Throws<CompressedBodyException>(() => Decode(body, encoding, slice));

    [Theory]
    [MemberData(nameof(Slicings))]
    public void Every_member_of_a_multi_member_gzip_body_is_decoded(int slice) =>
        Assert.Equal(Concat(First, Second), Decode(Concat(Gzip(First), Gzip(Second)), "gzip", slice));

    [Fact]
    public void Many_small_members_are_all_decoded()
    {
        var parts = Enumerable.Range(0, 500).Select(i => Encoding.ASCII.GetBytes($"part {i};")).ToArray();
        var body = Concat(parts.Select(Gzip).ToArray());
        Assert.Equal(Concat(parts), Decode(body, "gzip", 4096));
    }

    [Fact]
    public void An_empty_member_between_others_is_decoded() =>
        Assert.Equal(Concat(First, Second), Decode(Concat(Gzip(First), Gzip(Array.Empty<byte>()), Gzip(Second)), "gzip", 7));

    [Fact]
    public void A_large_random_multi_member_body_is_decoded()
    {
        var random = new byte[3 * 1024 * 1024];
        new Random(5).NextBytes(random);
        Assert.Equal(Concat(random, Second, random), Decode(Concat(Gzip(random), Gzip(Second), Gzip(random)), "gzip", 65536));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public void A_body_that_decodes_to_many_read_buffers_is_decoded_whole(string encoding)
    {
        // Zeros shrink so far that the decoder holds output for many reads after the input is used up.
        var data = Concat(new byte[8 * 1024 * 1024], First, new byte[3 * 1024 * 1024]);
        var body = encoding switch { "gzip" => Gzip(data), "deflate" => Zlib(data), _ => Brotli(data) };
        Assert.Equal(data, Decode(body, encoding, 4096));
        Assert.Equal(data, Decode(body, encoding));
    }

    [Fact]
    public void Header_fields_name_comment_extra_and_header_crc_are_skipped()
    {
        var deflated = RawDeflate(First);
        var header = new List<byte> { 0x1F, 0x8B, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3 };
        header.AddRange(new byte[] { 5, 0, 1, 2, 3, 4, 5 });      // FEXTRA: XLEN 5
        header.AddRange(Encoding.ASCII.GetBytes("name.txt\0"));   // FNAME
        header.AddRange(Encoding.ASCII.GetBytes("a comment\0"));  // FCOMMENT
        header.AddRange(new byte[] { 0xAB, 0xCD });              // FHCRC
        var trailer = new byte[8];
        BitConverter.TryWriteBytes(trailer.AsSpan(0, 4), Crc32.Update(0, First));
        BitConverter.TryWriteBytes(trailer.AsSpan(4), First.Length);
        Assert.Equal(First, Decode(Concat(header.ToArray(), deflated, trailer), "gzip", 3));
    }

    [Theory]
    [MemberData(nameof(Slicings))]
    public void A_cut_second_member_is_still_an_error(int slice)
    {
        var a = Gzip(First);
        var b = Gzip(Second);
        foreach (var keep in new[] { 1, 5, 12, b.Length / 2, b.Length - 5, b.Length - 1 })
            DecodeFails(Concat(a, b[..keep]), "gzip", slice);
    }

    [Fact]
    public void A_body_cut_inside_the_deflate_data_says_truncated()
    {
        var gz = Gzip(First);
        var error = DecodeFails(gz[..(gz.Length / 2)], "gzip");
        Assert.True(error.IsTruncated);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("garbage here")]
    [InlineData("\0\0\0\0\0\0\0\0")]
    [InlineData("x")]
    public void Bytes_after_the_last_gzip_member_are_reported_as_such(string trailing)
    {
        foreach (var slice in new[] { 1, 4096, 1 << 20 })
        {
            var error = DecodeFails(Concat(Gzip(First), Gzip(Second), Encoding.Latin1.GetBytes(trailing)), "gzip", slice);
            Assert.False(error.IsTruncated);
            Assert.Contains($"has {trailing.Length} byte(s) after the end of the gzip data", error.Message);
            Assert.DoesNotContain("truncated", error.Message);
            Assert.DoesNotContain("compression method", error.Message);
        }
    }

    [Fact]
    public void A_member_whose_crc_does_not_match_is_corrupt_not_truncated()
    {
        var gz = Gzip(First);
        gz[^6] ^= 0x01; // a CRC-32 byte
        var error = DecodeFails(gz, "gzip");
        Assert.False(error.IsTruncated);
        Assert.Contains("CRC-32", error.Message);
    }

    [Fact]
    public void Invalid_deflate_data_inside_a_member_is_called_corrupt_in_words()
    {
        var gz = Gzip(First);
        for (var i = 12; i < 40; i++) gz[i] = 0xFF;
        var error = DecodeFails(gz, "gzip");
        Assert.Contains("corrupt", error.Message);
        Assert.DoesNotContain("archive", error.Message);
    }

    [Fact]
    public void A_member_with_another_compression_method_is_refused()
    {
        var gz = Gzip(First);
        gz[2] = 7;
        Assert.Contains("compression method 7", DecodeFails(gz, "gzip").Message);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public void An_empty_body_decodes_to_nothing(string encoding) =>
        Assert.Empty(Decode(Array.Empty<byte>(), encoding));

    [Theory]
    [MemberData(nameof(Slicings))]
    public void Zlib_and_raw_deflate_decode_however_the_body_is_sliced(int slice)
    {
        Assert.Equal(First, Decode(Zlib(First), "deflate", slice));
        Assert.Equal(First, Decode(RawDeflate(First), "deflate", slice));
    }

    [Fact]
    public void Bytes_after_the_end_of_zlib_data_are_reported_as_such()
    {
        foreach (var slice in new[] { 1, 4096, 1 << 20 })
        {
            var error = DecodeFails(Concat(Zlib(First), Encoding.ASCII.GetBytes("trailing!")), "deflate", slice);
            Assert.False(error.IsTruncated);
            Assert.Contains("has 9 byte(s) after the end of the deflate (zlib) data", error.Message);
        }
    }

    [Fact]
    public void A_zlib_body_cut_anywhere_is_an_error()
    {
        var z = Zlib(First);
        foreach (var keep in new[] { 1, 3, z.Length / 2, z.Length - 4, z.Length - 1 })
            DecodeFails(z[..keep], "deflate", 7);
    }

    [Fact]
    public void A_raw_deflate_body_cut_short_is_truncated()
    {
        var d = RawDeflate(First);
        Assert.True(DecodeFails(d[..(d.Length / 2)], "deflate").IsTruncated);
    }

    [Theory]
    [MemberData(nameof(Slicings))]
    public void Brotli_decodes_however_the_body_is_sliced(int slice) =>
        Assert.Equal(First, Decode(Brotli(First), "br", slice));

    [Fact]
    public void A_brotli_body_cut_short_is_truncated()
    {
        var br = Brotli(First);
        foreach (var keep in new[] { 1, br.Length / 2, br.Length - 1 })
            Assert.True(DecodeFails(br[..keep], "br").IsTruncated);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bytes_after_the_end_of_a_brotli_stream_are_reported_as_such(bool secondStream)
    {
        var tail = secondStream ? Brotli(Second) : Encoding.ASCII.GetBytes("junk");
        var error = DecodeFails(Concat(Brotli(First), tail), "br", 4096);
        Assert.False(error.IsTruncated);
        Assert.Contains($"has {tail.Length} byte(s) after the end of the br (brotli) data", error.Message);
    }

    [Fact]
    public void Crc32_and_Adler32_give_the_standard_check_values()
    {
        Assert.Equal(0xCBF43926u, Crc32.Update(0, Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0x11E60398u, Adler32.Update(1, Encoding.ASCII.GetBytes("Wikipedia")));
        // Computed in pieces, the same as at once.
        var data = Concat(First, Second);
        Assert.Equal(Crc32.Update(0, data), Crc32.Update(Crc32.Update(0, data.AsSpan(0, 12345)), data.AsSpan(12345)));
        Assert.Equal(Adler32.Update(1, data), Adler32.Update(Adler32.Update(1, data.AsSpan(0, 9999)), data.AsSpan(9999)));
    }

    /// <summary>A body that arrives at most <c>slice</c> bytes per read, as a network delivers it.</summary>
    internal sealed class SlicedStream : MemoryStream
    {
        private readonly int _slice;

        public SlicedStream(byte[] data, int slice) : base(data, writable: false) => _slice = slice;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _slice));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, _slice)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _slice)], cancellationToken);
    }
}
