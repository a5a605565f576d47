// The funnel chart plugin: one category dimension and one measure, drawn as
// stages from the largest value to the smallest. The contract every plugin
// follows is in docs/plugins.md.

/**
 * @param {Array<{member: string, title: string, role: string, type: string}>} columns
 * @param {Array<Object<string, unknown>>} rows
 * @param {{title?: string, dark?: boolean}} [context]
 * @returns {object} an ECharts option
 */
export function toOption(columns, rows, context = {}) {
  const dimension = columns.find((c) => c.role === "dimension");
  const measure = columns.find((c) => c.role === "measure");
  if (!dimension || !measure) {
    throw new Error("a funnel needs one dimension and one measure");
  }
  const data = rows
    .map((row) => ({
      name: String(row[dimension.member] ?? "(empty)"),
      value: Number(row[measure.member] ?? 0),
    }))
    .filter((d) => Number.isFinite(d.value))
    .sort((a, b) => b.value - a.value);
  const top = data.length ? data[0].value : 0;
  return {
    title: { text: context.title || `${measure.title} by ${dimension.title}`, left: "center" },
    tooltip: {
      trigger: "item",
      formatter: (p) =>
        `${p.name}: ${p.value.toLocaleString()}` +
        (top > 0 ? ` (${((100 * p.value) / top).toFixed(1)}% of the top)` : ""),
    },
    series: [
      {
        name: measure.title,
        type: "funnel",
        top: 50,
        bottom: 10,
        left: "10%",
        width: "80%",
        sort: "descending",
        gap: 2,
        label: { show: true, position: "inside" },
        data,
      },
    ],
  };
}
