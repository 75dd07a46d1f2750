import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** A file that is not on disk, linted as if it were (workspace-relative path, source text). */
interface Case {
  file: string;
  code: string;
}

const CASES = {
  domainImportsNest: {
    file: 'libs/domain/src/framework-import.ts',
    code: "import { Injectable } from '@nestjs/common';\nexport const decorate = Injectable;\n",
  },
  domainImportsTypeorm: {
    file: 'libs/domain/src/database-import.ts',
    code: "import { DataSource } from 'typeorm';\nexport type Source = DataSource;\n",
  },
  domainImportsLib: {
    file: 'libs/domain/src/lib-import.ts',
    code: "import { ServiceConfig } from '@appointments/config';\nexport type Config = ServiceConfig;\n",
  },
  appImportsApp: {
    file: 'apps/gateway/src/app-import.ts',
    code: "import { SchedulingModule } from '../../scheduling/src/scheduling.module';\nexport const imported = SchedulingModule;\n",
  },
  libImportsApp: {
    file: 'libs/messaging/src/app-import.ts',
    code: "import { SchedulingModule } from '../../../apps/scheduling/src/scheduling.module';\nexport const imported = SchedulingModule;\n",
  },
  appImportsLib: {
    file: 'apps/gateway/src/lib-import.ts',
    code: "import { NotFound } from '@appointments/domain';\nexport const error = NotFound;\n",
  },
  testImportsApp: {
    file: 'test/e2e/app-import.ts',
    code: "import { SchedulingModule } from '../../apps/scheduling/src/scheduling.module';\nexport const imported = SchedulingModule;\n",
  },
} satisfies Record<string, Case>;

/**
 * Lints each case with the workspace's own eslint.config.mjs and returns the rules each breaks.
 * ESLint runs in a child process: its flat config is an ES module, which Jest's CommonJS sandbox
 * cannot import. The type-aware rules are switched off (typescript-eslint's disableTypeChecked) so
 * that files that are not on disk can be linted; the rules under test need no type information,
 * only the Nx project graph, which the child computes first (a fresh clone has none cached).
 */
function brokenRules(cases: Record<string, Case>): Record<string, string[]> {
  const script = `
    import { createProjectGraphAsync } from '@nx/devkit';
    import { ESLint } from 'eslint';
    import path from 'node:path';
    import tseslint from 'typescript-eslint';
    await createProjectGraphAsync({ exitOnError: true });
    const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });
    const out = {};
    for (const [name, { file, code }] of Object.entries(JSON.parse(process.env.LINT_CASES))) {
      const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
      out[name] = result.messages.map((m) => m.ruleId ?? m.message);
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, LINT_CASES: JSON.stringify(cases), NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, string[]>;
}

describe('lint: the module boundaries', () => {
  let broken: Record<keyof typeof CASES, string[]>;

  beforeAll(() => {
    broken = brokenRules(CASES);
  }, 120_000);

  it('refuses a framework import in libs/domain (the Nx boundary and no-restricted-imports)', () => {
    expect(broken.domainImportsNest).toEqual(expect.arrayContaining(['@nx/enforce-module-boundaries', 'no-restricted-imports']));
  });

  it('refuses a database import in libs/domain', () => {
    expect(broken.domainImportsTypeorm).toContain('no-restricted-imports');
  });

  it('refuses libs/domain importing another lib', () => {
    expect(broken.domainImportsLib).toContain('@nx/enforce-module-boundaries');
  });

  it('refuses an app importing another app', () => {
    expect(broken.appImportsApp).toContain('@nx/enforce-module-boundaries');
  });

  it('refuses a lib importing an app', () => {
    expect(broken.libImportsApp).toContain('@nx/enforce-module-boundaries');
  });

  it('lets an app import a lib, and a test import an app', () => {
    expect(broken.appImportsLib).toEqual([]);
    expect(broken.testImportsApp).toEqual([]);
  });
});
