// A cookies.txt file is not trusted: what Set-Cookie would refuse, an import refuses, line by line;
// and the bytes a server set survive an export and an import unchanged.
using System.Text;

namespace AioHttp.Tests;

public sealed class CookieFileTrustTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "aiohttp-cookie-trust-" + Guid.NewGuid().ToString("N"));

    public CookieFileTrustTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static (IReadOnlyList<Cookie> Cookies, IReadOnlyList<string> Warnings) Read(bool allowIp, params string[] lines) =>
        NetscapeCookieFile.Read(new StringReader(string.Join("\n", lines) + "\n"), Now, allowIp);

    [Theory]
    [InlineData(".com\tTRUE\t/\tFALSE\t0\tsid\t1", "public suffix")]
    [InlineData("com\tTRUE\t/\tFALSE\t0\tsid\t1", "public suffix")]
    [InlineData(".co.uk\tTRUE\t/\tFALSE\t0\tsid\t1", "public suffix")]
    [InlineData(".github.io\tTRUE\t/\tFALSE\t0\tsid\t1", "public suffix")]
    [InlineData("example.com\tFALSE\t/\tFALSE\t0\tsid\tv; admin=1", "';'")]
    [InlineData("example.com\tFALSE\t/\tFALSE\t0\ta;b\tv", "';'")]
    [InlineData("example.com\tFALSE\t/\tFALSE\t0\ta=b\tv", "'='")]
    [InlineData("example.com\tFALSE\t/\tFALSE\t0\tsid\tv\u0001", "control characters")]
    [InlineData("example.com\tFALSE\t/\tFALSE\t0\tsid\tv\0", "control characters")]
    [InlineData("example.com\tFALSE\t/\tFALSE\t0\tsid\tv\u007F", "control characters")]
    [InlineData("example.com\tFALSE\t/\tFALSE\t0\t__Secure-a\tv", "__Secure-")]
    [InlineData("example.com\tFALSE\t/app\tTRUE\t0\t__Host-a\tv", "__Host-")]
    [InlineData(".example.com\tTRUE\t/\tTRUE\t0\t__Host-a\tv", "__Host-")]
    public void A_line_that_set_cookie_would_refuse_is_skipped_with_its_line_number_and_reason(string line, string reason)
    {
        var (cookies, warnings) = Read(true,
            "# Netscape HTTP Cookie File",
            "example.com\tFALSE\t/\tFALSE\t0\tgood\t1",
            line);
        Assert.Equal(["good"], cookies.Select(c => c.Name));
        var warning = Assert.Single(warnings);
        Assert.StartsWith("line 3: ", warning);
        Assert.Contains(reason, warning);
    }

    [Fact]
    public void An_overlong_cookie_is_skipped()
    {
        var (cookies, warnings) = Read(true, "example.com\tFALSE\t/\tFALSE\t0\tsid\t" + new string('x', 5000));
        Assert.Empty(cookies);
        Assert.Contains("longer", Assert.Single(warnings));
    }

    [Fact]
    public void What_set_cookie_accepts_is_still_read()
    {
        var (cookies, warnings) = Read(true,
            "github.io\tFALSE\t/\tFALSE\t0\thostonly\t1",      // a public suffix as the exact host (5.3 step 5)
            ".example.co.uk\tTRUE\t/\tTRUE\t0\t__Secure-a\t2",
            "example.com\tFALSE\t/\tTRUE\t0\t__Host-b\t3",
            "example.com\tFALSE\t/\tFALSE\t0\tspaced\tdark mode, \"quoted\"\twith a tab",
            "example.com\tFALSE\t/\tFALSE\t0\tutf8\tcaf\u00e9");
        Assert.Empty(warnings);
        Assert.Equal(["hostonly", "__Secure-a", "__Host-b", "spaced", "utf8"], cookies.Select(c => c.Name));
        Assert.Equal("dark mode, \"quoted\"\twith a tab", cookies[3].Value);
    }

    [Fact]
    public void A_cookie_for_an_ip_address_is_skipped_by_a_strict_jar_and_kept_by_an_unsafe_one()
    {
        var file = Path.Combine(_dir, "ip.txt");
        File.WriteAllText(file, "127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\t1\nexample.com\tFALSE\t/\tFALSE\t0\tok\t2\n");
        var strict = new CookieJar(time: new CookieTestClock(Now));
        var result = strict.Load(file);
        Assert.Equal(1, result.Imported);
        Assert.StartsWith("line 1: ", Assert.Single(result.Warnings));
        Assert.Contains("IP address", result.Warnings[0]);
        var unsafeJar = new CookieJar(unsafeCookies: true, time: new CookieTestClock(Now));
        Assert.Equal(2, unsafeJar.Load(file).Imported);
    }

    [Fact]
    public void The_bytes_a_server_set_survive_save_and_load()
    {
        var clock = new CookieTestClock(Now);
        var jar = new CookieJar(time: clock);
        // As the session hands them over: Latin-1 as received, turned into text (UTF-8 decoded, other bytes kept).
        jar.UpdateCookies([HeaderValueEncoding.FromLatin1("utf8=cafÃ©"), HeaderValueEncoding.FromLatin1("raw=café")], new Uri("http://example.com/"));
        var file = Path.Combine(_dir, "bytes.txt");
        jar.Save(file);
        var written = File.ReadAllBytes(file);
        Assert.True(Contains(written, "\tutf8\tcaf\u00c3\u00a9\n"), "the UTF-8 cookie is written as its UTF-8 bytes");
        Assert.True(Contains(written, "\traw\tcaf\u00e9\n"), "the Latin-1 byte is written as that one byte, as curl writes it");

        var copy = new CookieJar(time: clock);
        Assert.Empty(copy.Load(file).Warnings);
        var header = copy.GetCookieHeader(new Uri("http://example.com/"))!;
        Assert.Equal(HeaderValueEncoding.Instance.GetBytes(jar.GetCookieHeader(new Uri("http://example.com/"))!), HeaderValueEncoding.Instance.GetBytes(header));
        Assert.Equal(Encoding.Latin1.GetBytes("utf8=cafÃ©; raw=café"), HeaderValueEncoding.Instance.GetBytes(header));
    }

    [Fact]
    public void A_utf16_file_with_a_byte_order_mark_is_read()
    {
        var file = Path.Combine(_dir, "utf16.txt");
        File.WriteAllText(file, "example.com\tFALSE\t/\tFALSE\t0\ta\tcaf\u00e9\n", new UnicodeEncoding(bigEndian: false, byteOrderMark: true));
        var jar = new CookieJar(time: new CookieTestClock(Now));
        Assert.Empty(jar.Load(file).Warnings);
        Assert.Equal("café", Assert.Single(jar.GetAllCookies()).Value);
    }

    [Fact]
    public void A_cookie_the_format_cannot_hold_is_named_not_dropped_silently()
    {
        var skipped = new List<string>();
        var text = new StringWriter();
        var written = NetscapeCookieFile.Write(text,
        [
            new Cookie("ok", "1", "example.com", hostOnly: true),
            new Cookie("tabbed", "1", "example.com", "/a\tb", hostOnly: true),
            new Cookie("broken", "1\r\n.evil.com\tTRUE\t/\tFALSE\t0\tx\t1", "example.com", hostOnly: true),
        ], skipped.Add);
        Assert.Equal(1, written);
        Assert.Equal(2, skipped.Count);
        Assert.Contains("'tabbed'", skipped[0]);
        Assert.Contains("'broken'", skipped[1]);
        Assert.DoesNotContain("evil", text.ToString());
    }

    private static bool Contains(byte[] haystack, string latin1) => haystack.AsSpan().IndexOf(Encoding.Latin1.GetBytes(latin1)) >= 0;
}
