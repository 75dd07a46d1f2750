// `npm test` runs the browser tests too (test/browser, Debian's Chromium through playwright-core).
// Without a browser they would each fail after the services started; stop at once instead, with
// the one command that installs it.
const { accessSync, constants } = require('node:fs');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
try {
  accessSync(chromium, constants.X_OK);
} catch {
  process.stderr.write(
    `\nThe browser tests need Chromium at ${chromium}, and there is none.\n` +
      'Install it (Debian/Ubuntu):  sudo apt-get install -y chromium\n' +
      'or point CHROMIUM_PATH at a Chromium or Chrome binary.\n\n',
  );
  process.exit(1);
}
