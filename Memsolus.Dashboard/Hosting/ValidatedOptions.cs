using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Hosting;

internal static class ValidatedOptions
{
    // Bound from its configuration section and checked by its DataAnnotations (IValidatableObject
    // too) when the app starts, so a bad setting stops start-up with a message naming it rather
    // than failing on the first request that reads it.
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
