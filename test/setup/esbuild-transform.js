/**
 * Jest transform: TypeScript → CommonJS with esbuild (fast, no type checking; `npm run typecheck`
 * does that). Chosen over @swc/jest because the npm registry this project installs from lacks
 * @swc/core's binaries for several platforms, which breaks `npm ci`; esbuild's are all there.
 */
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
      keepNames: true,
    });
    return { code, map };
  },
};
