// Copies native packages the engine loads at run time (kept external by esbuild) into
// dist/node_modules, with their installed dependencies, so that dist/ runs on its own: from a
// VSIX, where node_modules is not shipped, as from the repository. Only this platform's
// prebuilt binaries are installed, so a build holds just those (one VSIX per platform).
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

function manifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
}

/** The packages `names` need, themselves included, that are installed in `nodeModules`. */
function closure(names, nodeModules) {
  const found = new Map();
  const pending = [...names];
  while (pending.length > 0) {
    const name = pending.pop();
    const dir = join(nodeModules, name);
    if (found.has(name) || !existsSync(join(dir, 'package.json'))) continue;
    const pkg = manifest(dir);
    found.set(name, { dir, version: pkg.version });
    pending.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}));
  }
  return found;
}

export function copyRuntimeModules(names, nodeModules, dest) {
  let copied = 0;
  const packages = closure(names, nodeModules);
  for (const [name, { dir, version }] of packages) {
    const target = join(dest, name);
    if (existsSync(join(target, 'package.json')) && manifest(target).version === version) continue;
    rmSync(target, { recursive: true, force: true });
    cpSync(dir, target, { recursive: true, dereference: true, filter: (path) => !otherPlatformBinary(relative(dir, path)) });
    copied++;
  }
  return { total: packages.size, copied };
}

/**
 * Prebuilt N-API binaries for other platforms (`bin/napi-v6/<os>/<arch>/`, as onnxruntime-node
 * ships them: 288 MB for all platforms, 46 MB for linux-x64) are left behind.
 */
function otherPlatformBinary(rel) {
  const parts = rel.split(sep);
  const at = parts.findIndex((p) => /^napi-v\d+$/.test(p));
  if (at < 0 || parts.length < at + 3) return false;
  return parts[at + 1] !== process.platform || parts[at + 2] !== process.arch;
}
