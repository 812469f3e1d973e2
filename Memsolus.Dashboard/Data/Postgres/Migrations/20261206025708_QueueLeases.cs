using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class QueueLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LeasedBy",
                table: "WebhookDeliveries",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeasedUntil",
                table: "WebhookDeliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeasedBy",
                table: "IngestJobs",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeasedUntil",
                table: "IngestJobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "ExportJobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "LeasedBy",
                table: "ExportJobs",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeasedUntil",
                table: "ExportJobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_IngestJobs_Status_LeasedUntil",
                table: "IngestJobs",
                columns: new[] { "Status", "LeasedUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_ExportJobs_Status_LeasedUntil",
                table: "ExportJobs",
                columns: new[] { "Status", "LeasedUntil" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IngestJobs_Status_LeasedUntil",
                table: "IngestJobs");

            migrationBuilder.DropIndex(
                name: "IX_ExportJobs_Status_LeasedUntil",
                table: "ExportJobs");

            migrationBuilder.DropColumn(
                name: "LeasedBy",
                table: "WebhookDeliveries");

            migrationBuilder.DropColumn(
                name: "LeasedUntil",
                table: "WebhookDeliveries");

            migrationBuilder.DropColumn(
                name: "LeasedBy",
                table: "IngestJobs");

            migrationBuilder.DropColumn(
                name: "LeasedUntil",
                table: "IngestJobs");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "ExportJobs");

            migrationBuilder.DropColumn(
                name: "LeasedBy",
                table: "ExportJobs");

            migrationBuilder.DropColumn(
                name: "LeasedUntil",
                table: "ExportJobs");
        }
    }
}
