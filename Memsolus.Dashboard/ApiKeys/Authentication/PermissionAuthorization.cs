using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Memsolus.Dashboard.ApiKeys.Authentication;

public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

internal sealed class PermissionAuthorizationHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.HasClaim(ApiKeyClaimTypes.Permission, requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class ApiKeyPolicies
{
    // Any valid key, whatever its permissions (GET /me).
    public const string AnyKey = "apikey";

    // One policy per permission, named after it: "apikey:memory.read".
    public static string For(string permission) => $"apikey:{permission}";

    public static void AddApiKeyPolicies(this AuthorizationOptions options)
    {
        options.AddPolicy(AnyKey, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser());
        foreach (var permission in Permissions.All)
        {
            options.AddPolicy(For(permission.Name), policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(permission.Name)));
        }
    }
}

// A 403 from the API names the permission the key lacks (design §3 step 5).
internal sealed class ApiAuthorizationResultHandler(IProblemDetailsService problemDetails) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().FirstOrDefault();
        if (authorizeResult.Forbidden && missing is not null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = $"This API key lacks the {missing.Permission} permission.",
            };
            problem.Extensions["requiredPermission"] = missing.Permission;
            await problemDetails.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
            return;
        }

        await fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}
