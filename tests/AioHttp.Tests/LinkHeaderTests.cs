// RFC 8288 Link header fields read into links by rel, as aiohttp's resp.links: the RFC's own
// examples, quoting, relative targets, and hostile values that must be skipped rather than thrown.
namespace AioHttp.Tests;

public class LinkHeaderTests
{
    private static readonly Url Base = Url.Parse("https://api.test/items/list?page=1");

    private static IReadOnlyDictionary<string, WebLink> Parse(params string[] fields) => LinkHeader.Parse(fields, Base);

    [Fact]
    public void The_RFC_8288_examples_give_their_rel_and_params()
    {
        var links = Parse("<http://example.com/TheBook/chapter2>; rel=\"previous\"; title=\"previous chapter\"");
        Assert.Equal("http://example.com/TheBook/chapter2", links["previous"].Url.ToString());
        Assert.Equal("previous chapter", links["previous"].Params["title"]);

        links = Parse("</>; rel=\"http://example.net/foo\"");
        Assert.Equal("https://api.test/", links["http://example.net/foo"].Url.ToString());
    }

    [Fact]
    public void One_link_with_several_rels_is_found_under_each()
    {
        var links = Parse("<http://example.org/>; rel=\"start http://example.net/relation/other\"");
        Assert.Same(links["start"], links["http://example.net/relation/other"]);
    }

    [Fact]
    public void Several_links_and_several_fields_all_count_and_rel_is_case_insensitive()
    {
        var links = Parse("<https://api.test/items?page=2>; rel=next, <https://api.test/items?page=9>; rel=\"last\"",
            "<https://api.test/items?page=1>; REL=First");
        Assert.Equal("https://api.test/items?page=2", links["NEXT"].Url.ToString());
        Assert.Equal("https://api.test/items?page=9", links["last"].Url.ToString());
        Assert.Equal("https://api.test/items?page=1", links["first"].Url.ToString());
    }

    [Fact]
    public void A_comma_or_semicolon_inside_quotes_or_the_target_does_not_split_the_link()
    {
        var links = Parse("<https://api.test/a,b;c>; title=\"one, two; three\"; rel=\"next\", <https://api.test/z>; rel=last");
        Assert.Equal("https://api.test/a,b;c", links["next"].Url.ToString());
        Assert.Equal("one, two; three", links["next"].Params["title"]);
        Assert.Equal("https://api.test/z", links["last"].Url.ToString());
    }

    [Fact]
    public void Escaped_quotes_in_a_quoted_param_are_unescaped()
    {
        var links = Parse("</x>; rel=next; title=\"say \\\"hi\\\"\"");
        Assert.Equal("say \"hi\"", links["next"].Params["title"]);
    }

    [Theory]
    [InlineData("?page=2", "https://api.test/items/list?page=2")]
    [InlineData("/items?page=2", "https://api.test/items?page=2")]
    [InlineData("next", "https://api.test/items/next")]
    [InlineData("//cdn.test/p", "https://cdn.test/p")]
    public void A_relative_target_resolves_against_the_response_url(string target, string expected) =>
        Assert.Equal(expected, Parse($"<{target}>; rel=next")["next"].Url.ToString());

    [Fact]
    public void The_first_link_of_a_rel_wins_and_a_repeated_rel_param_is_ignored()
    {
        var links = Parse("</first>; rel=next; rel=last, </second>; rel=next");
        Assert.Equal("https://api.test/first", links["next"].Url.ToString());
        Assert.False(links.ContainsKey("last"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("<unterminated; rel=next")]
    [InlineData("</a>; rel=\"next")]
    [InlineData(",,,;;;<<>>\"\"")]
    [InlineData("</a> rel=next")]
    [InlineData("</a>; =next")]
    [InlineData("<http://[::1/x>; rel=next")]
    public void Malformed_values_give_no_link_and_never_throw(string field)
    {
        var links = Parse(field);
        Assert.False(links.ContainsKey("next"));
    }

    [Fact]
    public void A_malformed_link_is_skipped_and_the_next_one_still_read()
    {
        var links = Parse("junk \"with, comma\" here, </a>; rel=\"x\" bad, </good>; rel=next");
        Assert.Equal("https://api.test/good", links["next"].Url.ToString());
        Assert.False(links.ContainsKey("x"));
    }

    [Fact]
    public void A_link_without_rel_is_not_listed()
    {
        Assert.Empty(Parse("</a>; title=x"));
    }
}
