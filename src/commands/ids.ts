/** Command ids, as contributed in package.json. */
export const COMMANDS = {
  analyze: "inlineSentiment.analyze",
} as const;
