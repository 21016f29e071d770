// Runs the browser tests (CTest's "browser" label, `npm test`): checks that chromium, playwright-core
// (`npm ci`) and the solusi binary are there, then runs every *.test.mjs with node's test runner.
// Missing prerequisites make it exit 77 (CTest: skipped) on a developer's machine, but fail under CI
// (CI=true), where .ci/install-deps must have installed them.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { binary, chromiumPath, here, screenshotDir } from './harness-paths.mjs';

const missing = [];
if (!existsSync(chromiumPath)) missing.push(`chromium (${chromiumPath}): apt-get install chromium`);
if (!existsSync(join(here, 'node_modules', 'playwright-core'))) missing.push(`playwright-core: (cd ${here} && npm ci)`);
if (!existsSync(binary)) missing.push(`the solusi binary (${binary}): build it first`);
if (missing.length) {
  console.error(`browser tests cannot run; missing:\n  ${missing.join('\n  ')}\n(bash .ci/install-deps installs them)`);
  process.exit(process.env.CI ? 1 : 77);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .sort()
  .map((f) => join(here, f));
console.log(`browser tests: ${files.length} files, chromium ${chromiumPath}, screenshots in ${screenshotDir}`);
const child = spawn(process.execPath, ['--test', ...process.argv.slice(2), ...files], { stdio: 'inherit', cwd: here });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
