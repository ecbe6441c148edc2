export { EXIT, type Io, main } from './main.js';
export { type CliProvider, cliProviders } from './providers.js';
