/** Command ids, as contributed in package.json. */
export const COMMANDS = {
  analyze: "inlineSentiment.analyze",
  showPanel: "inlineSentiment.showPanel",
  exportReport: "inlineSentiment.exportReport",
  analyzeFolder: "inlineSentiment.analyzeFolder",
  analyzeFile: "inlineSentiment.analyzeFile",
  explain: "inlineSentiment.explain",
  downloadModel: "inlineSentiment.downloadModel",
} as const;
