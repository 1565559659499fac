/** Command ids, as contributed in package.json. */
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
