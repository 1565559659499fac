/**
 * Command ids, as contributed in package.json (test/unit/manifest.test.ts compares the two). In core, below every floor
 * that names a command: the editor (hover links, the status bar) as well as commands/, which registers them.
 */
export const COMMANDS = {
  analyze: "inlineSentiment.analyze",
  showPanel: "inlineSentiment.showPanel",
  exportReport: "inlineSentiment.exportReport",
  analyzeFolder: "inlineSentiment.analyzeFolder",
  analyzeFile: "inlineSentiment.analyzeFile",
  explain: "inlineSentiment.explain",
  downloadModel: "inlineSentiment.downloadModel",
  toggleLive: "inlineSentiment.toggleLive",
  fileOff: "inlineSentiment.fileOff",
  fileOn: "inlineSentiment.fileOn",
  statusMenu: "inlineSentiment.statusMenu",
  selectRange: "inlineSentiment.selectRange",
  nextNegative: "inlineSentiment.nextNegative",
  previousNegative: "inlineSentiment.previousNegative",
} as const;
