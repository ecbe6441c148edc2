// Preloaded (`node --require`) into each cold-start child of bench section 8: writes the process's
// own CPU time in µs (user + system, bootstrap included) to fd 3 as it exits. CommonJS on purpose:
// `node:fs` is already loaded at bootstrap, so this hook adds no module to what is measured.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  const used = process.cpuUsage();
  writeSync(3, String(used.user + used.system));
});
