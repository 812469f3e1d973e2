using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class KeyDefences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DefaultRequestsPerMinute",
                table: "AspNetUsers",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeakAction",
                table: "AspNetUsers",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Revoke");

            migrationBuilder.AddColumn<List<string>>(
                name: "AllowedNetworks",
                table: "ApiKeys",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeakNoticeSeenAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeakSource",
                table: "ApiKeys",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeakUrl",
                table: "ApiKeys",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeakedAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QuarantinedAt",
                table: "ApiKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "QuarantinedBy",
                table: "ApiKeys",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RequestsPerMinute",
                table: "ApiKeys",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RetiresPredecessor",
                table: "ApiKeys",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "WaitsForSuccessor",
                table: "ApiKeys",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DefaultRequestsPerMinute",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "LeakAction",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "AllowedNetworks",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "LeakNoticeSeenAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "LeakSource",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "LeakUrl",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "LeakedAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "QuarantinedAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "QuarantinedBy",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RequestsPerMinute",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RetiresPredecessor",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "WaitsForSuccessor",
                table: "ApiKeys");
        }
    }
}
