/**
 * The summary, the pure part: groups, date axis, rolling mean, themes and the list's filter/sort (the model itself is
 * model.ts, a report's aggregates aggregate.ts). No `vscode`, no file system, no `node:` import: the panel host, the
 * panel's page, the CLI and a web worker share it.
 */
export { groupItems, sortGroups, rollingMean, rollingWindow, ROLLING_THRESHOLD, type GroupSortKey, type GroupStats, type ScoredItem } from "./summary/groups";
export { parseDate, detectDateColumns, dateSeries, DAILY_SPAN_LIMIT, type DateBucket, type DateColumn, type DatePoint, type DayOrder, type ParsedDate } from "./summary/dates";
export { buildTermIndex, themes, polarityThemes, groupThemes, themeMatches, TARGET, REST, OUTSIDE, type Membership, type PolarityThemes, type TermIndex, type Theme, type ThemeOptions } from "./summary/themes";
export { words, isStopWord, type Word } from "./summary/words";
export { SummaryList, type ListItem, type ListQuery } from "./summary/list";
