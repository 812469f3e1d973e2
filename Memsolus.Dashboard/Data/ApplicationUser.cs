using Microsoft.AspNetCore.Identity;

namespace Memsolus.Dashboard.Data;

// Add profile data for application users by adding properties to the ApplicationUser class
internal sealed class ApplicationUser : IdentityUser
{
}

