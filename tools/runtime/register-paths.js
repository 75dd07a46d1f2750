// Resolves the workspace aliases (@appointments/*) to the compiled libs in dist/ at run time.
// Used as `node -r ./tools/runtime/register-paths.js dist/apps/<app>/src/main.js`.
const path = require('path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.base.json');

const paths = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  paths[alias] = [target.replace(/\.ts$/, '.js')];
}
tsconfigPaths.register({ baseUrl: path.join(__dirname, '..', '..', 'dist'), paths, addMatchAll: false });
