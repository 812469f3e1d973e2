using Memsolus.Dashboard.Ingestion;

namespace Memsolus.Dashboard.Tests.Ingestion;

public sealed class HtmlTextTests
{
    [Fact]
    public void Scripts_styles_and_other_non_text_content_are_dropped()
    {
        var page = HtmlText.Reduce(
            """
            <html><head><style>p { color: red }</style><script type="text/javascript">alert("<p>hi</p>")</script></head>
            <body><p>Kept</p><SCRIPT>document.write('x')</SCRIPT><noscript>Enable JS</noscript>
            <template><p>later</p></template><svg><title>icon</title><text>drawn</text></svg><!-- a comment <p>hidden</p> -->
            <p>Also kept</p></body></html>
            """);

        Assert.Equal("Kept\nAlso kept", page.Text);
        Assert.Null(page.Title);
    }

    [Fact]
    public void Title_is_taken_apart_from_the_text_with_entities_decoded_and_whitespace_collapsed()
    {
        var page = HtmlText.Reduce("<title>\n  Fish &amp; Chips &#8211;\n menu </title><h1>Menu</h1>");

        Assert.Equal("Fish & Chips – menu", page.Title);
        Assert.Equal("Menu", page.Text);
    }

    [Fact]
    public void Tags_are_stripped_blocks_become_lines_and_inline_markup_joins_its_words()
    {
        var page = HtmlText.Reduce(
            "<div>Line   one<br>line\ttwo</div><ul><li>a <b>bold</b><i>ly</i> item</li><li>next&nbsp;&lt;tag&gt; &quot;q&quot;</li></ul>" +
            "<table><tr><td>c1</td><td>c2</td></tr></table>");

        Assert.Equal("Line one\nline two\na boldly item\nnext <tag> \"q\"\nc1 c2", page.Text);
    }

    [Fact]
    public void Angle_brackets_in_text_and_in_quoted_attributes_do_not_hide_content()
    {
        var page = HtmlText.Reduce("""<p>1 < 2 and 3 > 2</p><a title="a > b" href='x>y'>link</a><p>end</p>""");

        Assert.Equal("1 < 2 and 3 > 2\nlink\nend", page.Text);
    }

    [Fact]
    public void Unclosed_script_drops_the_rest_rather_than_importing_code()
    {
        var page = HtmlText.Reduce("<p>before</p><script>var a = 1; <p>not text</p>");

        Assert.Equal("before", page.Text);
    }

    [Fact]
    public void Only_the_first_title_counts_and_an_empty_one_is_no_title()
    {
        Assert.Equal("First", HtmlText.Reduce("<title>First</title><title>Second</title>").Title);
        Assert.Null(HtmlText.Reduce("<title>  </title><p>x</p>").Title);
    }

    [Fact]
    public void Large_hostile_markup_is_reduced_in_one_pass()
    {
        // Many unterminated constructs: a backtracking parser would crawl; this one reads once.
        var hostile = string.Concat(Enumerable.Repeat("<a href=\"x\"<<!-<p>&amp", 50_000));

        var page = HtmlText.Reduce(hostile);

        // Each "<a …<p>" is one tag (the quote closes before the '>'), and "&amp" without its ';' stays text.
        Assert.Equal(string.Concat(Enumerable.Repeat("&amp", 50_000)), page.Text);
    }
}
