import { expect, it } from 'vitest';
import { compactBuildProgress } from './build-output.ts';

const build = [
  'downloading artifact (12.0 MiB)',
  'Step 1/3 : FROM eclipse-temurin:21-jre',
  ' ---> 3a1b2c4d5e6f',
  'Step 2/3 : RUN echo hello',
  ' ---> Running in 0123456789ab',
  'hello',
  'Removing intermediate container 0123456789ab',
  ' ---> 9f8e7d6c5b4a',
  'Step 3/3 : COPY app.jar /opt/app/app.jar',
  ' ---> Using cache',
  ' ---> 1234567890ab',
  'Successfully built 1234567890ab',
  'Successfully tagged cameleer/acme-orders:v1',
  'container 1234567890ab started at http://127.0.0.1:32768',
];

it('shows one line per build step and a summary; other lines pass through', () => {
  const filter = compactBuildProgress();
  expect(build.flatMap(filter)).toEqual([
    'downloading artifact (12.0 MiB)',
    'Step 1/3 : FROM eclipse-temurin:21-jre',
    'Step 2/3 : RUN echo hello',
    'Step 3/3 : COPY app.jar /opt/app/app.jar',
    'image built: cameleer/acme-orders:v1 (3 steps, 1 from cache)',
    'container 1234567890ab started at http://127.0.0.1:32768',
  ]);
});
