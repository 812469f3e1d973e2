using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class RateLimitCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RateLimitCounts",
                columns: table => new
                {
                    KeyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Requests = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateLimitCounts", x => new { x.KeyId, x.WindowStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_RateLimitCounts_WindowStart",
                table: "RateLimitCounts",
                column: "WindowStart");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RateLimitCounts");
        }
    }
}
