using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components.Layout;
using Microsoft.Data.Sqlite;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// The boundary MainLayout puts around every page and dialog on the live circuit: a key created
// while the database is down shows the outage message instead of ending the circuit, and once the
// database is back "Try again" brings the page back and the same action works.
public sealed class DatabaseOutageBoundaryTests : BunitTestContext
{
    public DatabaseOutageBoundaryTests() => SignIn(Owner);

    [Fact]
    public async Task Creating_a_key_while_the_database_is_down_shows_the_outage_message_and_the_circuit_goes_on()
    {
        var boundary = Context.Render<DatabaseOutageBoundary>(p => p.AddChildContent(content =>
        {
            content.OpenComponent<MudPopoverProvider>(0);
            content.CloseComponent();
            content.OpenComponent<MudDialogProvider>(1);
            content.CloseComponent();
        }));
        await FillNewKeyDialogAsync(boundary, "during-outage");

        var path = new SqliteConnectionStringBuilder(Database.ConnectionString).DataSource;
        File.Move(path, path + ".away");
        Directory.CreateDirectory(path);
        SqliteConnection.ClearAllPools();
        try
        {
            Button(boundary, "Create").Click();

            boundary.WaitForAssertion(() => Assert.Equal(
                "Memsolus can't reach its database right now; try again in a minute.",
                boundary.Find("[data-testid=database-outage]").TextContent.Trim()));
            Assert.Empty(boundary.FindAll("[data-testid=circuit-error]"));
        }
        finally
        {
            Directory.Delete(path);
            File.Move(path + ".away", path);
            SqliteConnection.ClearAllPools();
        }

        Button(boundary, "Try again").Click();
        boundary.WaitForAssertion(() => Assert.Empty(boundary.FindAll("[data-testid=database-outage]")));
        await FillNewKeyDialogAsync(boundary, "after-outage");
        Button(boundary, "Create").Click();
        boundary.WaitForAssertion(() => Assert.Equal(1, StoredKeyCountAsync().GetAwaiter().GetResult()));
    }

    private async Task FillNewKeyDialogAsync(IRenderedComponent<DatabaseOutageBoundary> boundary, string name)
    {
        await boundary.InvokeAsync(() => Dialogs.ShowAsync<NewApiKeyDialog>("New API Key", new DialogParameters<NewApiKeyDialog> { { d => d.Owner, Owner } }));
        boundary.WaitForAssertion(() => Field(boundary, "Name"));
        Field(boundary, "Name").Input(name);
        Tick(CheckBox(boundary, Permissions.MemoryRead));
    }
}
