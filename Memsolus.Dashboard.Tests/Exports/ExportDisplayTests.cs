using Memsolus.Dashboard.Exports;

namespace Memsolus.Dashboard.Tests.Exports;

// The words the Exports page uses for sizes and counts.
public sealed class ExportDisplayTests
{
    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(1, "1 byte")]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1024, "1 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(9_900, "9.7 KiB")]
    [InlineData(20_000, "20 KiB")]
    [InlineData(200_000, "195 KiB")]
    [InlineData(1_536_000, "1.5 MiB")]
    [InlineData(10L * 1024 * 1024, "10 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3 GiB")]
    public void A_size_is_rounded_for_reading(long bytes, string expected) =>
        Assert.Equal(expected, ExportDisplay.Size(bytes));

    [Theory]
    [InlineData(1, null, "1 memory")]
    [InlineData(1234, null, "1,234 memories")]
    [InlineData(null, 1, "1 knowledge entry")]
    [InlineData(0, 2, "0 memories, 2 knowledge entries")]
    [InlineData(null, null, null)]
    public void Counts_name_only_what_the_export_included(int? memories, int? knowledge, string? expected)
    {
        var export = new ExportDto(Guid.NewGuid(), "json", [], "succeeded", memories, knowledge, 10, "f.json", null, TestClock.Start, null, null, null, null);

        Assert.Equal(expected, ExportDisplay.Counts(export));
    }
}
