/** Sentiment reports (CSV, JSON, Markdown) from panel data. Pure TypeScript: the CLI and the extension share it. */
import { stringify } from "csv-stringify/sync";
import type { PanelModel } from "../core/review";

export type ReportFormat = "csv" | "json" | "markdown";

export const REPORT_COLUMNS = ["file", "start_line", "end_line", "label", "score", "polarity", "text"] as const;

/** One row per unit: file, lines, label, score, polarity, text. */
export function reportRows(model: PanelModel): (string | number)[][] {
  return model.files.flatMap((file) =>
    file.units.map((unit) => [file.name, unit.startLine, unit.endLine, unit.label, Number(unit.score.toFixed(4)), unit.polarity, unit.text]),
  );
}

export function renderReport(model: PanelModel, format: ReportFormat): string {
  const rows = reportRows(model);
  if (format === "csv") return stringify([[...REPORT_COLUMNS], ...rows]);
  if (format === "json") {
    const objects = rows.map((row) => Object.fromEntries(REPORT_COLUMNS.map((column, i) => [column, row[i]])));
    return JSON.stringify({ title: model.title, model: model.model, units: objects }, null, 2) + "\n";
  }
  const header = `| ${REPORT_COLUMNS.join(" | ")} |\n| ${REPORT_COLUMNS.map(() => "---").join(" | ")} |\n`;
  const body = rows.map((row) => `| ${row.map((cell) => escapeMarkdownCell(String(cell))).join(" | ")} |`).join("\n");
  return `# ${escapeMarkdownCell(model.title)}\n\nModel: ${escapeMarkdownCell(model.model)}\n\n${header}${body}\n`;
}

/** A report's format from a file name, or undefined. */
export function formatOfPath(path: string): ReportFormat | undefined {
  if (/\.csv$/i.test(path)) return "csv";
  if (/\.json$/i.test(path)) return "json";
  if (/\.(md|markdown)$/i.test(path)) return "markdown";
  return undefined;
}

/**
 * Text inside a markdown table cell, shown as text: markdown and HTML syntax are backslash-escaped (so `<script>`,
 * links and emphasis render literally), line breaks become spaces.
 */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\r\n|\r|\n/g, " ").replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, "\\$&");
}
