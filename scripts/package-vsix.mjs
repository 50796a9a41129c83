// `npm run package`: a clean production build packed into a VSIX for this machine's platform.
// The VSIX carries the engine's native modules for this platform only, so it names its target.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The VS Code platform target of this machine, as `vsce package --target` names it. */
export function vsceTarget() {
  const { platform, arch } = process;
  const musl = platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime;
  const target = `${musl ? 'alpine' : platform}-${arch === 'arm' ? 'armhf' : arch}`;
  const known = ['win32-x64', 'win32-arm64', 'linux-x64', 'linux-arm64', 'linux-armhf', 'darwin-x64', 'darwin-arm64', 'alpine-x64', 'alpine-arm64'];
  if (!known.includes(target)) throw new Error(`no VS Code platform target for ${platform}-${arch}`);
  return target;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  run(process.execPath, ['esbuild.mjs', '--production']);
  run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--target', vsceTarget(), ...process.argv.slice(2)]);
}
