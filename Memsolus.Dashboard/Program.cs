using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Authentication;
using Memsolus.Dashboard.Components;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Health;

var builder = WebApplication.CreateBuilder(args);

builder.AddData();
builder.AddAccounts();
builder.AddApiKeys();
builder.AddApiKeyAuthentication();
builder.AddApi();
builder.AddHealth();
builder.AddDashboardUi();

var app = builder.Build();

app.UseDashboardPipeline();
app.UseApi();
app.UseAuthenticationOutsideApi();
app.UseAuthorization();
app.UseAntiforgery();
app.MapHealth();
app.MapApi();
app.MapApiDocs();
app.MapDashboardUi();

app.Run();

// Visible to WebApplicationFactory<Program> in the tests.
public partial class Program;
