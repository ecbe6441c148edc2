export { EXIT, type Io, main } from './main.js';
