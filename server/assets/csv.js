// CSV of a result, safe to open in a spreadsheet.

/** Cells a spreadsheet would read as a formula get a leading quote; plain
 *  numbers (a negative amount such as "-12.50") stay numbers. */
export function neutralise(value) {
  const s = value == null ? "" : String(value);
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return s;
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function quote(s) {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV: a header of column titles, then the rows. */
export function toCsv(columns, rows) {
  const head = columns.map((c) => quote(neutralise(c.title || c.member)));
  const body = rows.map((r) => columns.map((c) => quote(neutralise(r[c.member]))).join(","));
  return [head.join(","), ...body].join("\r\n") + "\r\n";
}

/** Makes the browser save `content` as `name`. */
export function download(name, content, type) {
  const url = typeof content === "string" && content.startsWith("data:")
    ? content
    : URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  if (url.startsWith("blob:")) setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
