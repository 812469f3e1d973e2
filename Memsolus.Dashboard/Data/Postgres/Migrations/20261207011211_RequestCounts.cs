using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RequestCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RequestCounts",
                columns: table => new
                {
                    KeyId = table.Column<Guid>(type: "uuid", nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Requests = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestCounts", x => new { x.KeyId, x.WindowStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_RequestCounts_WindowStart",
                table: "RequestCounts",
                column: "WindowStart");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RequestCounts");
        }
    }
}
