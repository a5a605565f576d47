// "Your data": a CSV file becomes a cube (POST /strata/v1/uploads).
import { api, missing } from "./api.js";

const MAX_BYTES = 10 * 1024 * 1024;

/** A cube name from a file name: lowercase letters, digits and `_`. */
export function cubeName(fileName) {
  const base = fileName.replace(/\.[^.]*$/, "").toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  const name = /^[a-z]/.test(base) ? base : `data_${base}`;
  return name.slice(0, 60) || "data";
}

/** Wires the drop zone; `onCube(result)` gets the inferred cube. */
export function setupUpload(zone, input, out, onCube) {
  const send = async (file) => {
    out.replaceChildren();
    if (!file) return;
    if (file.size > MAX_BYTES) {
      out.append(Object.assign(document.createElement("p"), { className: "error", textContent: `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; the limit is 10 MB.` }));
      return;
    }
    const status = Object.assign(document.createElement("p"), { className: "progress", textContent: `Reading ${file.name}…` });
    out.append(status);
    try {
      const res = await api(`/strata/v1/uploads?name=${encodeURIComponent(cubeName(file.name))}`, {
        method: "POST",
        body: file,
        contentType: "text/csv",
      });
      status.remove();
      const summary = document.createElement("div");
      summary.className = "upload-summary";
      const cols = (res.columns || []).map((c) => `${c.name} (${c.type})`).join(", ");
      summary.append(
        Object.assign(document.createElement("p"), { textContent: `Cube ${res.cube}: ${res.rows} rows.` }),
        Object.assign(document.createElement("p"), { className: "muted", textContent: `Columns: ${cols}` }),
      );
      out.append(summary);
      onCube(res);
    } catch (e) {
      status.remove();
      const text = missing(e) ? `Uploads are not available on this server (${e.message}).` : e.message;
      out.append(Object.assign(document.createElement("p"), { className: "error", textContent: text }));
    }
  };
  input.addEventListener("change", () => send(input.files[0]));
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    send(e.dataTransfer.files[0]);
  });
}
