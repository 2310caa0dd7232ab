// `npm run package`: dist/wg-chatops_<version>_all.deb, built with dpkg-deb from what `npm run build` made.
// Pure JavaScript, so Architecture: all: the bundle and the production node_modules in /usr/lib/wg-chatops.
// Options (for test builds of an upgrade, or a Debian revision): `--version V` (or WG_CHATOPS_DEB_VERSION=V)
// instead of package.json's version; `--out DIR` instead of dist/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const top = new URL('..', import.meta.url).pathname;
const { productionPackages } = await import(join(top, 'dist/src/install/steps/app-files.js'));
const { renderUnit, DEFAULT_UNIT_OPTIONS } = await import(join(top, 'dist/src/install/unit.js'));
const option = (name) => {
  const i = process.argv.indexOf(name);
  const inline = process.argv.find((a) => a.startsWith(`${name}=`));
  return inline ? inline.slice(name.length + 1) : i > 0 ? process.argv[i + 1] : undefined;
};
const version = option('--version') ?? process.env.WG_CHATOPS_DEB_VERSION ?? JSON.parse(readFileSync(join(top, 'package.json'), 'utf8')).version;
// Debian policy 5.6.12: [epoch:]upstream[-revision], upstream starting with a digit.
if (!/^(\d+:)?\d[A-Za-z0-9.+~-]*$/.test(version)) {
  console.error(`package-deb: "${version}" is not a Debian version (e.g. 0.1.0 or 0.1.0-2)`);
  process.exit(2);
}
const outDir = option('--out') ?? join(top, 'dist');
const deb = join(top, 'deploy/debian');

const stage = mkdtempSync(join(tmpdir(), 'wg-chatops-deb-'));
const root = join(stage, 'root');
const put = (path, text, mode = 0o644) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  chmodSync(join(root, path), mode);
};

try {
  const app = join(root, 'usr/lib/wg-chatops');
  for (const entry of [
    'bin',
    'dist/bundle',
    'package.json',
    'package-lock.json',
    'deploy/README.md',
    'deploy/slack-app-manifest.yaml',
    '.env.example',
    ...(await productionPackages(top)),
  ]) {
    cpSync(join(top, entry), join(app, entry), { recursive: true, dereference: true });
  }
  // What a running program does not need: source maps stay (stack traces), tests and package docs go.
  const prune = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) {
        if (dir.endsWith('node_modules') && name === '.bin') rmSync(path, { recursive: true });
        else prune(path);
      } else if (
        /^(\.npmignore|\.eslintrc.*|\.travis\.yml|\.editorconfig|CHANGELOG\.md|.*\.ts)$/i.test(name) &&
        !name.endsWith('.d.ts') &&
        path.includes('node_modules')
      )
        rmSync(path);
    }
  };
  prune(join(app, 'node_modules'));
  const normalise = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) {
      chmodSync(path, 0o755);
      for (const name of readdirSync(path)) normalise(join(path, name));
    } else chmodSync(path, readFileSync(path).subarray(0, 2).toString() === '#!' ? 0o755 : 0o644);
  };
  normalise(app);
  chmodSync(join(app, 'bin/wg-chatops.js'), 0o755);
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  symlinkSync('../lib/wg-chatops/bin/wg-chatops.js', join(root, 'usr/bin/wg-chatops'));

  put('usr/lib/systemd/system/wg-chatops.service', renderUnit(DEFAULT_UNIT_OPTIONS));
  put('usr/lib/sysusers.d/wg-chatops.conf', readFileSync(join(deb, 'sysusers.conf')));
  put('usr/share/doc/wg-chatops/copyright', readFileSync(join(deb, 'copyright')));
  const changelog = `wg-chatops (${version}) unstable; urgency=medium\n\n  * Release ${version}.\n\n -- wg-chatops developers <wg-chatops@example.org>  ${new Date(Number(process.env.SOURCE_DATE_EPOCH ?? 1764547200) * 1000).toUTCString().replace(/GMT$/, '+0000')}\n`;
  put('usr/share/doc/wg-chatops/changelog.gz', execFileSync('gzip', ['-9n'], { input: changelog }));

  const sizeKiB = Number(execFileSync('du', ['-sk', '--apparent-size', root], { encoding: 'utf8' }).split('\t')[0]);
  put('DEBIAN/control', readFileSync(join(deb, 'control.in'), 'utf8').replace('@VERSION@', version).replace('@SIZE@', String(sizeKiB)));
  for (const script of ['postinst', 'prerm', 'postrm']) put(`DEBIAN/${script}`, readFileSync(join(deb, script)), 0o755);
  const sums = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (rel === 'DEBIAN') continue;
      const info = statSync(path, { throwIfNoEntry: false });
      if (!info) continue;
      if (info.isDirectory() && !statSync(path).isSymbolicLink?.()) walk(path);
      else if (info.isFile() && rel !== 'usr/bin/wg-chatops') sums.push(`${createHash('md5').update(readFileSync(path)).digest('hex')}  ${rel}`);
    }
  };
  walk(root);
  put('DEBIAN/md5sums', `${sums.join('\n')}\n`);
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `wg-chatops_${version.replace(/^\d+:/, '')}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, out], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(out);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
