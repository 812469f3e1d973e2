// The Ingestion page's drop zone: files dropped on it are handed to its file input, as if chosen
// in the picker, so InputFile reports them the same way (names and sizes only; nothing is read
// until the page asks). The zone is highlighted while files are dragged over it.
export function acceptDrops(zone) {
    const input = zone.querySelector("input[type=file]");
    let depth = 0;
    const active = on => zone.classList.toggle("drop-zone-active", on);

    zone.addEventListener("dragenter", event => {
        event.preventDefault();
        depth++;
        active(true);
    });
    zone.addEventListener("dragover", event => {
        event.preventDefault();
        if (event.dataTransfer) {
            event.dataTransfer.dropEffect = "copy";
        }
    });
    zone.addEventListener("dragleave", () => {
        depth = Math.max(0, depth - 1);
        active(depth > 0);
    });
    zone.addEventListener("drop", event => {
        event.preventDefault();
        depth = 0;
        active(false);
        // The page may have rendered a fresh input since (after an upload): take the current one.
        const current = zone.querySelector("input[type=file]") ?? input;
        if (!event.dataTransfer || event.dataTransfer.files.length === 0 || current.disabled) {
            return;
        }

        current.files = event.dataTransfer.files;
        current.dispatchEvent(new Event("change", { bubbles: true }));
    });
}
