/** The console methods as they were before Weir captured them (for printing without re-capture). */
export const originalConsole = Object.freeze({
  log: console.log.bind(console),
  info: console.info.bind(console),
  warn: console.warn.bind(console),
  error: console.error.bind(console),
  debug: console.debug.bind(console),
});
