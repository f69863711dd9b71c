/**
 * Jest transform: TypeScript → CommonJS with esbuild (fast, no type checking; `npm run typecheck`
 * does that). Chosen over @swc/jest because the npm registry this project installs from lacks
 * @swc/core's binaries for several platforms, which breaks `npm ci`; esbuild's are all there.
 * JavaScript (`.js`/`.mjs`) goes through it too: jest.config.js sends the ESM-only packages under
 * node_modules here (octokit and its dependencies), and esbuild turns them into CommonJS.
 */
const { transformSync } = require('esbuild');

function loaderFor(filename) {
  if (filename.endsWith('.tsx')) return 'tsx';
  if (filename.endsWith('.ts')) return 'ts';
  return 'js';
}

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: loaderFor(filename),
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      keepNames: true,
    });
    return { code, map };
  },
};
