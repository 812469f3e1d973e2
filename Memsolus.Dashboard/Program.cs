using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Components;
using Memsolus.Dashboard.Components.Layout;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Health;
using Memsolus.Dashboard.Hosting;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.LeakReports;
using Memsolus.Dashboard.Mail;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Notifications;
using Memsolus.Dashboard.Outbound;
using Memsolus.Dashboard.Usage;
using Memsolus.Dashboard.Webhooks;

// What the product is, one feature folder a line (docs/layout.md says what each folder holds).
var builder = WebApplication.CreateBuilder(args);

builder.AddHosting();
builder.AddTransportSecurity();
builder.AddSecurityHeaders();
builder.AddData();
builder.AddMail();
builder.AddNotifications();
builder.AddAccount();
builder.AddApiKeys();
builder.AddApiKeyVerification();
builder.AddLeakReports();
builder.AddAudit();
builder.AddAdmin();
builder.AddApi();
builder.AddMemories();
builder.AddKnowledge();
builder.AddOutbound();
builder.AddWebhooks();
builder.AddExports();
builder.AddIngestion();
builder.AddUsage();
builder.AddHealth();
builder.AddComponents();
builder.SkipStartupWorkForBuildTimeDocument();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseTransportSecurity();
app.UseErrorPages();
app.UseDatabaseOutagePage();
app.UseCircuitOrigin();
app.UseColorSchemeHint();
app.UseApi();
app.UseAccount();

app.MapHealth();
var api = app.MapApi();
api.MapApiKeys();
api.MapMemories();
api.MapKnowledge();
api.MapWebhooks();
api.MapExports();
api.MapIngestion();
api.MapUsage();
app.MapLeakReports();
app.MapAdditionalIdentityEndpoints();
app.MapColorScheme();
app.MapTestMode();
app.MapExportDownload();
app.MapComponents();

app.Run();

// Visible to WebApplicationFactory<Program> in the tests.
public partial class Program;
