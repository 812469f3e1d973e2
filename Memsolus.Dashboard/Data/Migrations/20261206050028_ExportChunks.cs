using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExportChunks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ExportChunks",
                columns: table => new
                {
                    JobSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    Data = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExportChunks", x => new { x.JobSequence, x.Attempt, x.Index });
                    table.ForeignKey(
                        name: "FK_ExportChunks_ExportJobs_JobSequence",
                        column: x => x.JobSequence,
                        principalTable: "ExportJobs",
                        principalColumn: "Sequence",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExportChunks");
        }
    }
}
