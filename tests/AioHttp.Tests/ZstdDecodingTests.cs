using System.IO.Compression;
using System.Text;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace AioHttp.Tests;

/// <summary>
/// zstd bodies: every frame of a multi-frame body decoded (aiohttp had to fix this, aio-libs/aiohttp#12234),
/// however the network slices it; a cut-off body, bytes that are not zstd, bytes after the last frame
/// and a frame asking for a window over RFC 9659's 8 MiB each reported for what they are.
/// </summary>
public class ZstdDecodingTests
{
    private static readonly byte[] First = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 3000).Select(i => $"first {i}\n")));
    private static readonly byte[] Second = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"second {i * 7}\n")));

    public static TheoryData<int> Slicings => new() { 1, 7, 4096, 1 << 20 };

    internal static byte[] Zstd(byte[] data, int level = 3, bool checksum = false)
    {
        using var compressor = new Compressor(level);
        if (checksum) compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return compressor.Wrap(data).ToArray();
    }

    // The same data compressed as one streamed frame (no content size in its header), as a server streaming its answer sends it.
    private static byte[] ZstdStreamed(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new CompressionStream(ms, 3, leaveOpen: true))
        {
            for (var at = 0; at < data.Length; at += 1000) z.Write(data, at, Math.Min(1000, data.Length - at));
        }
        return ms.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Decode(byte[] body, int slice = 1 << 20) => CompressedFramingTests.Decode(body, "zstd", slice);

    private static CompressedBodyException DecodeFails(byte[] body, int slice = 1 << 20) =>
        Assert.Throws<CompressedBodyException>(() => Decode(body, slice));

    [Theory]
    [MemberData(nameof(Slicings))]
    public void A_single_frame_is_decoded(int slice) => Assert.Equal(First, Decode(Zstd(First), slice));

    [Theory]
    [MemberData(nameof(Slicings))]
    public void Every_frame_of_a_multi_frame_body_is_decoded(int slice) =>
        Assert.Equal(Concat(First, Second, First), Decode(Concat(Zstd(First), ZstdStreamed(Second), Zstd(First, 19, checksum: true)), slice));

    [Fact]
    public void Many_small_frames_are_all_decoded()
    {
        var parts = Enumerable.Range(0, 500).Select(i => Encoding.ASCII.GetBytes($"part {i};")).ToArray();
        Assert.Equal(Concat(parts), Decode(Concat(parts.Select(p => Zstd(p)).ToArray()), 4096));
    }

    [Fact]
    public void A_skippable_frame_between_frames_is_skipped()
    {
        // RFC 8878 3.1.2: magic 0x184D2A5?, a 4-byte little-endian size, then that many bytes of user data.
        var skippable = Concat(new byte[] { 0x50, 0x2A, 0x4D, 0x18, 5, 0, 0, 0 }, Encoding.ASCII.GetBytes("hello"));
        Assert.Equal(Concat(First, Second), Decode(Concat(Zstd(First), skippable, Zstd(Second)), 7));
    }

    [Fact]
    public void An_empty_body_decodes_to_nothing() => Assert.Empty(Decode([]));

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public void A_body_cut_inside_a_frame_is_truncated(int slice)
    {
        var whole = Concat(Zstd(First), Zstd(Second));
        var error = DecodeFails(whole[..^10], slice);
        Assert.True(error.IsTruncated);
        Assert.Contains("the zstd data is truncated", error.Message);
    }

    [Fact]
    public void A_body_cut_inside_a_frame_header_is_truncated()
    {
        var error = DecodeFails(Zstd(First)[..3]);
        Assert.True(error.IsTruncated);
    }

    [Fact]
    public void Bytes_that_are_not_zstd_are_said_to_be_not_zstd()
    {
        var error = DecodeFails(Encoding.ASCII.GetBytes("definitely not zstd, just text"));
        Assert.False(error.IsTruncated);
        Assert.Contains("not zstd data", error.Message);
    }

    [Fact]
    public void Bytes_after_the_last_frame_are_reported_as_such()
    {
        var error = DecodeFails(Concat(Zstd(First), Encoding.ASCII.GetBytes("trailing garbage")));
        Assert.False(error.IsTruncated);
        Assert.Contains($"after the end of the zstd data (after {First.Length} decoded byte(s)", error.Message);
    }

    [Fact]
    public void A_corrupted_frame_with_a_checksum_is_corrupt()
    {
        var body = Zstd(First, checksum: true);
        body[^1] ^= 0xFF; // the checksum itself
        var error = DecodeFails(body);
        Assert.False(error.IsTruncated);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void A_frame_asking_for_a_64_MiB_window_is_refused_before_anything_is_set_aside()
    {
        // Frame header: magic, descriptor 0 (no content size, window descriptor follows), window
        // exponent 16 (2^(10+16) = 64 MiB), then one empty raw last block. Valid zstd, and the
        // reference library's default limit (128 MiB) would take it.
        var frame = new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x00, 16 << 3, 0x01, 0x00, 0x00 };
        var error = DecodeFails(frame);
        Assert.Contains("larger than 8 MiB", error.Message);
        Assert.Contains("RFC 9659", error.Message);
    }

    [Fact]
    public void A_frame_asking_for_exactly_8_MiB_is_accepted()
    {
        var frame = new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x00, 13 << 3, 0x01, 0x00, 0x00 };
        Assert.Empty(Decode(frame));
    }

    [Fact]
    public void A_single_segment_frame_declaring_4_GiB_of_content_is_refused()
    {
        // Single_Segment (0x20) with an 8-byte Frame_Content_Size (0xC0): the window is the content size.
        var frame = Concat(new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0xE0 }, BitConverter.GetBytes(4UL << 30), new byte[] { 0x01, 0x00, 0x00 });
        Assert.Contains("larger than 8 MiB", DecodeFails(frame).Message);
    }

    [Fact]
    public void Zstd_inside_gzip_is_decoded_in_order()
    {
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(Zstd(First));
        // "zstd, gzip": zstd was applied first, so it is undone last.
        using var decoded = ContentDecoding.Wrap(new MemoryStream(gz.ToArray()), ["zstd, gzip"]);
        var output = new MemoryStream();
        decoded.CopyTo(output);
        Assert.Equal(First, output.ToArray());
    }

    [Fact]
    public void Zstd_is_offered_in_Accept_Encoding() => Assert.Equal("gzip, deflate, br, zstd", ContentDecoding.AcceptEncoding);
}
