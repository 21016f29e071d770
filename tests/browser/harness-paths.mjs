// Where the browser tests find things; no imports beyond Node's, so run.mjs can check for
// prerequisites before playwright-core is loaded. Each can be overridden from the environment (CTest
// sets SOLUSI_BINARY and SOLUSI_SCREENSHOTS).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
export const binary = process.env.SOLUSI_BINARY || join(repo, 'build', 'solusi');
export const chromiumPath = process.env.SOLUSI_CHROMIUM || '/usr/bin/chromium';
export const screenshotDir = process.env.SOLUSI_SCREENSHOTS || join(repo, 'build', 'browser-screenshots');
