using System.Globalization;
using System.Text;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.ApiKeys;

// Rewrites key names stored before the name rules (ApiKeyRules.ValidateName) in the form those
// rules store: control and invisible format characters (U+202E, zero-width spaces …) removed,
// broken Unicode repaired, trimmed, Unicode NFC. So a decomposed "café" stored earlier is one name
// with the composed "café" a user types now, and no stored name reverses the text around it. A
// renamed key that would now share its active name with another key of its owner becomes
// "<name> (<first 8 hex digits of its id>)", as the ApiKeyActiveNames migration renamed duplicates.
internal sealed partial class ApiKeyNameRepairInitializer(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<ApiKeyNameRepairInitializer> logger) : StartupRepair<ApiKey>(contextFactory)
{
    protected override IQueryable<ApiKey> PageAfter(ApplicationDbContext db, ApiKey? last)
    {
        var rows = db.ApiKeys.AsTracking();
        if (last is not null)
        {
            var after = last.Id;
            rows = rows.Where(k => k.Id > after);
        }

        return rows.OrderBy(k => k.Id);
    }

    protected override async ValueTask<bool> RepairAsync(ApplicationDbContext db, ApiKey key, CancellationToken cancellationToken)
    {
        var name = CleanName(key.Name, key.Id);
        if (name == key.Name)
        {
            return false;
        }

        if (key.ActiveName is not null)
        {
            var normalized = ApiKey.Normalize(name);
            var taken = await db.ApiKeys.AnyAsync(k => k.OwnerId == key.OwnerId && k.ActiveName == normalized && k.Id != key.Id, cancellationToken);
            if (taken)
            {
                name = WithIdSuffix(name, key.Id);
            }
        }

        key.Name = name;
        key.NormalizedName = ApiKey.Normalize(name);
        key.ActiveName = key.ActiveName is null ? null : key.NormalizedName;
        key.Version = Guid.NewGuid();
        // One save a key, so the next key's "taken" check sees this one's new name.
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    protected override void LogRepaired(int count) => LogRepaired(logger, count);

    // The name as the rules would have stored it; a name with nothing left names the key by its id.
    internal static string CleanName(string name, Guid id)
    {
        var kept = new StringBuilder(name.Length);
        foreach (var rune in StoredText.Repair(name).EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is not (UnicodeCategory.Control or UnicodeCategory.Format))
            {
                kept.Append(rune.ToString());
            }
        }

        var clean = kept.ToString().Trim().Normalize(NormalizationForm.FormC);
        if (clean.Length == 0)
        {
            return $"key {IdPrefix(id)}";
        }

        return clean.Length <= ApiKeyRules.MaxNameLength ? clean : Cut(clean, ApiKeyRules.MaxNameLength).TrimEnd();
    }

    private static string WithIdSuffix(string name, Guid id)
    {
        var suffix = $" ({IdPrefix(id)})";
        return Cut(name, ApiKeyRules.MaxNameLength - suffix.Length).TrimEnd() + suffix;
    }

    private static string IdPrefix(Guid id) => id.ToString("N")[..8];

    // At most length UTF-16 units, never splitting a surrogate pair.
    private static string Cut(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renamed {Count} API keys whose names were stored before the name rules")]
    private static partial void LogRepaired(ILogger logger, int count);
}
