using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyActiveNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ActiveName",
                table: "ApiKeys",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            // Every key that is neither revoked nor rotated holds its name (an expired one gives it up
            // when a key of its owner asks for it). Keys that raced past the old check may share a
            // name: the newest keeps it and each older one is renamed "<name> (<first 8 hex digits of
            // its id>)", cut to fit the length limit, so the unique index below can be built; the
            // rename is visible to the owner and names which key it was.
            migrationBuilder.Sql("""
                UPDATE "ApiKeys" SET
                    "Name" = substr("Name", 1, 89) || ' (' || lower(substr("Id", 1, 8)) || ')',
                    "NormalizedName" = substr("NormalizedName", 1, 89) || ' (' || upper(substr("Id", 1, 8)) || ')'
                WHERE "RevokedAt" IS NULL AND "RotatedToId" IS NULL
                  AND EXISTS (
                    SELECT 1 FROM "ApiKeys" AS newer
                    WHERE newer."OwnerId" = "ApiKeys"."OwnerId" AND newer."NormalizedName" = "ApiKeys"."NormalizedName"
                      AND newer."RevokedAt" IS NULL AND newer."RotatedToId" IS NULL
                      AND (newer."CreatedAt" > "ApiKeys"."CreatedAt"
                           OR (newer."CreatedAt" = "ApiKeys"."CreatedAt" AND newer."Id" > "ApiKeys"."Id")));
                """);
            migrationBuilder.Sql("""
                UPDATE "ApiKeys" SET "ActiveName" = "NormalizedName"
                WHERE "RevokedAt" IS NULL AND "RotatedToId" IS NULL;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_OwnerId_ActiveName",
                table: "ApiKeys",
                columns: new[] { "OwnerId", "ActiveName" },
                unique: true,
                filter: "\"ActiveName\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_OwnerId_ActiveName",
                table: "ApiKeys");

            migrationBuilder.DropColumn(
                name: "ActiveName",
                table: "ApiKeys");
        }
    }
}
