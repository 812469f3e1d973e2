using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Health;

var builder = WebApplication.CreateBuilder(args);

builder.AddData();
builder.AddAccounts();
builder.AddApiKeys();
builder.AddHealth();
builder.AddDashboardUi();

var app = builder.Build();

app.UseDashboardPipeline();
app.MapHealth();
app.MapDashboardUi();

app.Run();

// Visible to WebApplicationFactory<Program> in the tests.
public partial class Program;
