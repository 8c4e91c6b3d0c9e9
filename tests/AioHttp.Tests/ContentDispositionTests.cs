namespace AioHttp.Tests;

public class ContentDispositionTests
{
    [Theory]
    [InlineData("attachment; filename=\"report.csv\"", "report.csv")]
    [InlineData("attachment; filename=report.csv", "report.csv")]
    [InlineData("attachment;filename=\"a \\\"quoted\\\" name.txt\"", "a \"quoted\" name.txt")]
    [InlineData("inline; filename=\"semi;colon.txt\"; size=3", "semi;colon.txt")]
    public void Filename_parameter_is_read_quoted_or_bare(string header, string expected) =>
        Assert.Equal(expected, ContentDisposition.FileName(header));

    [Fact]
    public void Extended_filename_star_wins_over_filename_and_is_percent_decoded_in_its_charset()
    {
        Assert.Equal("naïve 日本.txt", ContentDisposition.FileName("attachment; filename=\"plain.txt\"; filename*=UTF-8''na%C3%AFve%20%E6%97%A5%E6%9C%AC.txt"));
        Assert.Equal("café.txt", ContentDisposition.FileName("attachment; filename*=iso-8859-1'fr'caf%E9.txt"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("attachment")]
    [InlineData("attachment; size=10")]
    public void No_filename_gives_null(string? header) => Assert.Null(ContentDisposition.FileName(header));

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\win.ini", "win.ini")]
    [InlineData("..", null)]
    [InlineData(".", null)]
    [InlineData("   ", null)]
    [InlineData(".bashrc", "bashrc")]
    [InlineData("a:b*c?.txt", "a_b_c_.txt")]
    [InlineData("tab\there.txt", "tab_here.txt")]
    [InlineData("trailing. ", "trailing")]
    public void Sanitised_names_stay_inside_the_folder(string name, string? expected) =>
        Assert.Equal(expected, ContentDisposition.SanitizeFileName(name));
}
