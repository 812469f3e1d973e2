using System.ComponentModel.DataAnnotations;
using Memsolus.Dashboard.Ingestion;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Ingestion;

// How an uploaded document is titled, how a JSONL line becomes a memory, and which settings start.
public sealed class DocumentImportTests
{
    [Theory]
    [InlineData("# Getting started\nbody", "Getting started")]
    [InlineData("intro\n\n### Third level ###\nbody", "Third level")]
    [InlineData("Setext title\n============\nbody", "Setext title")]
    [InlineData("Second level\n---\nbody", "Second level")]
    [InlineData("---\ntitle: \"From front matter\"\ndate: 2026-01-01\n---\n# Heading", "From front matter")]
    [InlineData("---\nlayout: post\n---\n# After front matter", "After front matter")]
    [InlineData("```\n# not a heading\n```\n# Real heading", "Real heading")]
    [InlineData("    # indented code\n# Heading", "Heading")]
    [InlineData("#hashtag line\nplain text", null)]
    [InlineData("just text\nmore text", null)]
    [InlineData("#\n", null)]
    public void Title_is_the_first_heading_outside_code(string text, string? title) =>
        Assert.Equal(title, DocumentTitle.Of(text));

    [Fact]
    public void Long_heading_is_cut_to_the_knowledge_title_limit()
    {
        var title = DocumentTitle.Of("# " + new string('t', 500));

        Assert.Equal(200, title!.Length);
    }

    [Theory]
    [InlineData("meeting notes.txt", "meeting notes")]
    [InlineData("archive.v2.md", "archive.v2")]
    [InlineData(".md", ".md")]
    public void Without_a_heading_the_file_name_is_the_title(string name, string title) =>
        Assert.Equal(title, DocumentTitle.FromFileName(name));

    [Theory]
    [InlineData("C:\\Users\\me\\notes.md", "notes.md")]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData("", "file-3")]
    [InlineData(null, "file-3")]
    public void Client_file_names_are_reduced_to_their_last_segment(string? sent, string kept) =>
        Assert.Equal(kept, IngestFormats.SafeName(sent, 3));

    [Fact]
    public void Jsonl_line_becomes_content_tags_and_metadata_with_the_apis_trimming_and_deduplication()
    {
        Assert.True(MemoryLines.TryParse("""{"content":"  hi  ","tags":[" a ","a","b"],"metadata":{"k":1},"id":"ignored"}""", out var memory, out _));

        Assert.Equal("hi", memory!.Content);
        Assert.Equal(["a", "b"], memory.Tags);
        Assert.Equal("""{"k":1}""", memory.Metadata);
    }

    [Theory]
    [InlineData("""{"content":5}""", "content must be a string.")]
    [InlineData("""{"content":"x","metadata":[1]}""", "metadata must be a JSON object.")]
    [InlineData("""{"content":"x","tags":[1]}""", "tags must be an array of strings.")]
    [InlineData("""{"content":"x","tags":[""]}""", "Each tag must be 1 to 50 characters.")]
    [InlineData("42", "Each line must be a JSON object with content and optional tags.")]
    [InlineData("{\"content\":\"x\"", "The line is not valid JSON.")]
    public void Jsonl_line_breaking_the_memory_rules_says_why(string line, string error)
    {
        Assert.False(MemoryLines.TryParse(line, out _, out var message));

        Assert.Equal(error, message);
    }

    [Fact]
    public void Jsonl_line_over_the_tag_limit_is_refused()
    {
        var line = $$"""{"content":"x","tags":[{{string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"t{i}\""))}}]}""";

        Assert.False(MemoryLines.TryParse(line, out _, out var message));
        Assert.Equal("tags may hold at most 20 tags.", message);
    }

    [Theory]
    [InlineData(20, 1024 * 1024, 10 * 1024 * 1024, true)]
    [InlineData(0, 1024, 1024, false)]
    [InlineData(101, 1024, 1024, false)]
    [InlineData(20, 2048, 1024, false)]
    [InlineData(20, 0, 1024, false)]
    public void Ingest_settings_are_validated(int maxFiles, long maxFileBytes, long maxTotalBytes, bool valid)
    {
        var options = new IngestOptions { MaxFiles = maxFiles, MaxFileBytes = maxFileBytes, MaxTotalBytes = maxTotalBytes };

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Fact]
    public async Task App_does_not_start_with_ingest_settings_that_contradict_each_other()
    {
        await using var app = new MemsolusAppFactory(new()
        {
            Settings = new Dictionary<string, string?>
            {
                ["Ingest:MaxFileBytes"] = "2048",
                ["Ingest:MaxTotalBytes"] = "1024",
            },
        });

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());
        Assert.Contains("MaxTotalBytes must be at least MaxFileBytes.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_twenty_files_of_one_mebibyte_and_two_mebibytes_a_url()
    {
        var options = new IngestOptions();

        Assert.Equal((20, 1024 * 1024, 2 * 1024 * 1024), (options.MaxFiles, options.MaxFileBytes, options.MaxUrlBytes));
    }
}
