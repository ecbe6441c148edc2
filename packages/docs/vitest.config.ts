import { defineConfig } from 'vitest/config';

// A real browser renders 2.5 MB pages here: give each test time on a loaded CI machine.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
