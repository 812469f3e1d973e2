using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdminConsole : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ExpiryRecordedAt",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RevocationNoticeSeenAt",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RevokedByAdmin",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_CreatedAt_Id",
                table: "ApiKeys",
                columns: new[] { "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_DisplayKey",
                table: "ApiKeys",
                column: "DisplayKey");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_ExpiresAt",
                table: "ApiKeys",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_LastUsedAt_Id",
                table: "ApiKeys",
                columns: new[] { "LastUsedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_NormalizedName_Id",
                table: "ApiKeys",
                columns: new[] { "NormalizedName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_RevokedAt",
                table: "ApiKeys",
                column: "RevokedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_CreatedAt_Id",
                table: "ApiKeys");

            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_DisplayKey",
                table: "ApiKeys");

            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_ExpiresAt",
                table: "ApiKeys");

            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_LastUsedAt_Id",
                table: "ApiKeys");

            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_NormalizedName_Id",
                table: "ApiKeys");

            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_RevokedAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "ExpiryRecordedAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RevocationNoticeSeenAt",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "RevokedByAdmin",
                table: "ApiKeys");
        }
    }
}
