import { expect, it } from 'vitest';
import { runnerVersion } from '../version.ts';
import { versionLine } from './version-check.ts';

const check = {
  version: runnerVersion,
  minimumVersion: null,
  latestVersion: null,
  updateRequired: false,
  updateAvailable: false,
};

it('says in words when the edge requires a newer runner, and when one is available', () => {
  expect(versionLine(undefined)).toBe(`  version:    ${runnerVersion}`);
  expect(versionLine(check)).toBe(`  version:    ${runnerVersion}`);
  expect(
    versionLine({
      ...check,
      minimumVersion: '9.0.0',
      latestVersion: '9.1.0',
      updateRequired: true,
      updateAvailable: true,
    }),
  ).toBe(
    `  version:    ${runnerVersion}: update required, the edge supports runners from 9.0.0 on; run \`cameleer-runner update\``,
  );
  expect(versionLine({ ...check, latestVersion: '9.1.0', updateAvailable: true })).toBe(
    `  version:    ${runnerVersion} (9.1.0 is available: \`cameleer-runner update\`)`,
  );
});
