/**
 * Survey exports whose header takes more than one row. Qualtrics writes three header rows (column ids, question text,
 * a row of `{"ImportId": ...}`; `{'ImportId': ...}` before 2017); re-saved through Excel, or from the legacy exporter,
 * two (ids, question text). SurveyMonkey writes two: the question text (only above the first column of a question with
 * several), then each column's answer label ("Response", "Open-Ended Response", a choice). The extra rows are not
 * answers: they are taken out of the rows, the question text kept per column, and a notice says so once.
 */
import type { Row, Table } from "./table";

/** Row 3 of a Qualtrics export: `{"ImportId":"QID2_TEXT"}`, or `{'ImportId': 'QID1'}` from the 2016 exporter. */
const IMPORT_ID = /^\{\s*["']ImportId["']\s*:/;

/** Qualtrics's metadata column ids (lower case, without spaces), both the current and the legacy exporter's. */
const QUALTRICS_IDS = new Set(["startdate", "enddate", "status", "ipaddress", "progress", "finished", "recordeddate", "responseid", "responseset", "distributionchannel", "userlanguage"]);

/** Columns whose second-row value is a date in data and a label ("Start Date", "Anfangsdatum") in a question row. */
const DATE_IDS = new Set(["startdate", "enddate", "recordeddate"]);

/** SurveyMonkey's answer labels for a one-column question. */
const MONKEY_LABELS = new Set(["response", "open-ended response"]);

const squash = (name: string) => name.toLowerCase().replace(/\s+/g, "");

/** Recognises a Qualtrics or SurveyMonkey export's extra header rows in a parsed CSV/TSV and takes them out. */
export function recogniseSurvey(table: Table): Table {
  const [first, second] = table.rows;
  if (!first) return table;
  if (isImportIdRow(table, second)) return qualtrics(table, 2, "3 header rows: the column ids, the question text and the import ids");
  if (isImportIdRow(table, first)) return qualtrics(table, 1, "its import ids row");
  if (isQualtricsQuestionRow(table, first)) return qualtrics(table, 1, "2 header rows: the column ids and the question text");
  if (isMonkeyLabelRow(table, first)) return surveyMonkey(table, first);
  return table;
}

function isImportIdRow(table: Table, row: Row | undefined): boolean {
  if (!row) return false;
  let filled = 0;
  let ids = 0;
  for (const column of table.columns) {
    const value = Object.hasOwn(row.cells, column) ? row.cells[column].trim() : "";
    if (value === "") continue;
    filled++;
    if (IMPORT_ID.test(value)) ids++;
  }
  return ids > 0 && ids * 2 >= filled;
}

/** A Qualtrics header (two metadata ids, or the legacy V1, V2...) over a row of labels where data would be. */
function isQualtricsQuestionRow(table: Table, row: Row): boolean {
  const ids = table.columns.filter((column) => QUALTRICS_IDS.has(squash(column)));
  const legacy = table.columns[0] === "V1" && table.columns[1] === "V2";
  if (ids.length < 2 && !legacy) return false;
  const cell = (column: string) => (Object.hasOwn(row.cells, column) ? row.cells[column].trim() : "");
  if (legacy) return QUALTRICS_IDS.has(squash(cell("V1")));
  const dated = ids.find((column) => DATE_IDS.has(squash(column)));
  if (dated !== undefined) return cell(dated) !== "" && !/^\d/.test(cell(dated));
  // No date column: the row repeats the ids as labels ("ResponseID" under "ResponseID", "Response ID" under "ResponseId").
  return ids.some((column) => squash(cell(column)) === squash(column));
}

function isMonkeyLabelRow(table: Table, row: Row): boolean {
  const id = table.columns[0];
  if (id === undefined || squash(id) !== "respondentid") return false;
  if (Object.hasOwn(row.cells, id) && row.cells[id].trim() !== "") return false;
  return table.columns.some((column) => Object.hasOwn(row.cells, column) && MONKEY_LABELS.has(row.cells[column].trim().toLowerCase()));
}

/** The rows after the first `headerRows`, numbered again from 0 (their lines stay the file's). */
function dropRows(table: Table, headerRows: number): Row[] {
  return table.rows.slice(headerRows).map((row, index) => ({ ...row, index }));
}

function lines(rows: readonly Row[]): string {
  const from = rows[0].line;
  const to = rows[rows.length - 1].endLine;
  return from === to ? `line ${from}` : `lines ${from}-${to}`;
}

function qualtrics(table: Table, headerRows: number, what: string): Table {
  const header = table.rows.slice(0, headerRows);
  const questions = new Map<string, string>();
  const questionRow = header.find((row) => !isImportIdRow(table, row));
  if (questionRow) {
    for (const column of table.columns) {
      const question = Object.hasOwn(questionRow.cells, column) ? questionRow.cells[column].replace(/\s+/g, " ").trim() : "";
      if (question !== "" && question !== column) questions.set(column, question);
    }
  }
  const where = lines(header);
  const several = where.startsWith("lines");
  const notice = `A Qualtrics export with ${what}: ${where} ${several ? "hold" : "holds"} no answers and ${several ? "are" : "is"} not read as rows${questions.size ? "; each column keeps its question text" : ""}.`;
  return withNotice({ ...table, rows: dropRows(table, headerRows), ...(questions.size > 0 && { questions }) }, notice);
}

/**
 * SurveyMonkey: a column under a blank header belongs to the question to its left; each column is named by its
 * question and, where the question has several columns, its answer label ("Which films have you seen? - Episode I").
 */
function surveyMonkey(table: Table, labels: Row): Table {
  const names: string[] = [];
  const questions = new Map<string, string>();
  const taken = new Set<string>();
  let question = "";
  table.columns.forEach((column, i) => {
    // The CSV reader names a blank header "column N" by its position.
    const blank = column === `column ${i + 1}`;
    if (!blank) question = column;
    const label = Object.hasOwn(labels.cells, column) ? labels.cells[column].replace(/\s+/g, " ").trim() : "";
    let name = column;
    if (label !== "" && !MONKEY_LABELS.has(label.toLowerCase()) && question !== "") name = `${question} - ${label}`;
    else if (blank && question !== "") name = `${question} - ${label || `column ${i + 1}`}`;
    for (let k = 2; taken.has(name); k++) name = `${name.replace(/ \(\d+\)$/, "")} (${k})`;
    taken.add(name);
    names.push(name);
    if (question !== "" && name !== question) questions.set(name, question);
  });
  const rename = (record: Record<string, never>) => {
    const out = Object.create(null) as Record<string, never>;
    table.columns.forEach((column, i) => {
      if (Object.hasOwn(record, column)) out[names[i]] = record[column];
    });
    return out;
  };
  const rows = dropRows(table, 1).map((row) => ({ ...row, cells: rename(row.cells as Record<string, never>), spans: rename(row.spans as Record<string, never>) }));
  const notice = `A SurveyMonkey export with 2 header rows: ${lines([labels])} holds each column's answer label, no answers, and is not read as a row; a column of a question with several is named "question - label".`;
  return withNotice({ ...table, columns: names, rows, ...(questions.size > 0 && { questions }) }, notice);
}

function withNotice(table: Table, notice: string): Table {
  return { ...table, notes: [...table.notes, notice], notices: [...(table.notices ?? []), notice] };
}
