/**
 * The parts of small `.xlsx` workbooks for the tests, as SpreadsheetML has them: so each test states exactly which
 * kinds of cells a workbook holds (shared strings, inline strings, rich text runs, numbers, dates, booleans, errors,
 * formulas with their cached value, gaps, merged cells). No Node API: xlsxWriter.ts zips them with yazl in Node, the
 * WebAssembly suite with fflate in a web worker.
 */

/**
 * One cell. A string goes to the shared strings table (what Excel writes); `inline` is an inline string (what
 * streaming writers write); `rich` is a shared string in formatted runs; `date` is an Excel serial day number shown
 * with a date format (`time`: with a date-time format); `formula` is a formula cell with its cached text.
 */
export type XlsxCell =
  | string
  | number
  | boolean
  | null
  | { inline: string }
  | { rich: string[] }
  | { date: number; time?: boolean }
  | { error: string }
  | { formula: string; cached: string };

/** A row, or a row at an explicit 1-based row number (the rows between are absent, as in a sparse sheet). */
export type XlsxRow = XlsxCell[] | { row: number; cells: XlsxCell[] };

export interface XlsxSheet {
  name: string;
  rows: XlsxRow[];
  /** Merged ranges, e.g. "B1:D1". */
  merges?: string[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** `xml:space="preserve"` keeps leading and trailing spaces and line breaks, as Excel writes them. */
const t = (s: string) => `<t xml:space="preserve">${esc(s)}</t>`;

/** The column letters of a 0-based column index: 0 -> A, 26 -> AA. */
export function columnLetters(index: number): string {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** The workbook's parts: each file's path in the zip archive and its XML. */
export function xlsxParts(sheets: XlsxSheet[]): [string, string][] {
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const share = (xml: string) => {
    let i = sharedIndex.get(xml);
    if (i === undefined) {
      i = shared.length;
      shared.push(xml);
      sharedIndex.set(xml, i);
    }
    return i;
  };
  const cellXml = (cell: XlsxCell, ref: string): string => {
    if (cell === null) return "";
    if (typeof cell === "string") return `<c r="${ref}" t="s"><v>${share(t(cell))}</v></c>`;
    if (typeof cell === "number") return `<c r="${ref}"><v>${cell}</v></c>`;
    if (typeof cell === "boolean") return `<c r="${ref}" t="b"><v>${cell ? 1 : 0}</v></c>`;
    if ("inline" in cell) return `<c r="${ref}" t="inlineStr"><is>${t(cell.inline)}</is></c>`;
    if ("rich" in cell) return `<c r="${ref}" t="s"><v>${share(cell.rich.map((run, k) => `<r>${k % 2 ? '<rPr><b/></rPr>' : ""}${t(run)}</r>`).join(""))}</v></c>`;
    if ("date" in cell) return `<c r="${ref}" s="${cell.time ? 2 : 1}"><v>${cell.date}</v></c>`;
    if ("error" in cell) return `<c r="${ref}" t="e"><v>${esc(cell.error)}</v></c>`;
    return `<c r="${ref}" t="str"><f>${esc(cell.formula)}</f><v>${esc(cell.cached)}</v></c>`;
  };
  const sheetXml = (sheet: XlsxSheet) => {
    let next = 1;
    const rows = sheet.rows.map((row) => {
      const [number, cells] = Array.isArray(row) ? [next, row] : [row.row, row.cells];
      next = number + 1;
      return `<row r="${number}">${cells.map((cell, c) => cellXml(cell, `${columnLetters(c)}${number}`)).join("")}</row>`;
    });
    const merges = sheet.merges?.length ? `<mergeCells count="${sheet.merges.length}">${sheet.merges.map((m) => `<mergeCell ref="${m}"/>`).join("")}</mergeCells>` : "";
    return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${rows.join("")}</sheetData>${merges}</worksheet>`;
  };
  const worksheets = sheets.map(sheetXml);
  return [
    [
      "[Content_Types].xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
        sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("") +
        `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    ],
    [
      "_rels/.rels",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      "xl/workbook.xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>` +
        sheets.map((sheet, i) => `<sheet name="${esc(sheet.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("") +
        `</sheets></workbook>`,
    ],
    [
      "xl/_rels/workbook.xml.rels",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL}">` +
        sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("") +
        `<Relationship Id="rId${sheets.length + 1}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` +
        `<Relationship Id="rId${sheets.length + 2}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    ],
    // Style 1: Excel's built-in short date (numFmtId 14); style 2: date and time (22).
    [
      "xl/styles.xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
        `<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>` +
        `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
        `<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
        `<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    ],
    ...worksheets.map((xml, i): [string, string] => [`xl/worksheets/sheet${i + 1}.xml`, xml]),
    [
      "xl/sharedStrings.xml",
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="${MAIN}" count="${shared.length}" uniqueCount="${shared.length}">${shared.map((s) => `<si>${s}</si>`).join("")}</sst>`,
    ],
  ];
}

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
