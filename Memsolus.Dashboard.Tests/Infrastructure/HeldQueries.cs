using System.Data.Common;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// A context factory over a TestDatabase whose queries wait until the test releases them: what a
// screen shows while its data is still on the way, without a delay or a timing assertion.
internal sealed class HeldQueries : DbCommandInterceptor
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldQueries(TestDatabase database) =>
        Contexts = new TestDbContextFactory(new DbContextOptionsBuilder<ApplicationDbContext>(database.ContextOptions).AddInterceptors(this).Options);

    public TestDbContextFactory Contexts { get; }

    public void Release() => released.TrySetResult();

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await released.Task.WaitAsync(cancellationToken);
        return result;
    }
}
