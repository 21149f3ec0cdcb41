import { describe, expect, it } from 'vitest';
import { buildJar, maliciousJars, minimalJar, zipOf } from '../../test/jars.ts';
import { defaultJarLimits, InvalidJar, inspectJar, mainClassOf } from './jar-inspection.ts';

const inspect = (bytes: Uint8Array, limits = defaultJarLimits) =>
  inspectJar(
    async (offset, length) => new Uint8Array(bytes.subarray(offset, offset + length)),
    bytes.byteLength,
    limits,
  );

describe('JAR inspection', () => {
  const jar = buildJar({ mainClass: 'com.example.orders.Main' });

  it('reads the Main-Class of a JAR built by the JDK', async () => {
    expect(await inspect(jar)).toMatchObject({
      mainClass: 'com.example.orders.Main',
      entries: expect.any(Number),
    });
  });

  it.each(maliciousJars(jar))('refuses $name', async ({ bytes, detail }) => {
    const refusal = inspect(bytes);
    await expect(refusal).rejects.toBeInstanceOf(InvalidJar);
    await expect(refusal).rejects.toThrow(detail);
  });

  it('refuses archives whose entries expand past the total bound', async () => {
    const limits = { ...defaultJarLimits, maxUncompressedBytes: 1000 };
    await expect(inspect(minimalJar('demo.Main', 'x'.repeat(2000)), limits)).rejects.toThrow(
      /expand to more than 1000/,
    );
  });

  it('refuses a manifest that inflates past its declared size', async () => {
    const lying = zipOf([
      { name: 'META-INF/MANIFEST.MF', data: 'Main-Class: a.B\r\n'.repeat(100), declaredSize: 10 },
    ]);
    await expect(inspect(lying)).rejects.toThrow(/inflates past its declared size/);
  });

  it('refuses duplicate entries and methods a JVM cannot load', async () => {
    const m = { name: 'META-INF/MANIFEST.MF', data: 'Main-Class: a.B\r\n' };
    await expect(inspect(zipOf([m, m]))).rejects.toThrow(/duplicate entry/);
  });

  it('parses manifests with continuation lines and refuses odd class names', () => {
    expect(mainClassOf('Manifest-Version: 1.0\r\nmain-class: com.example.Ve\r\n ryLongName\r\n\r\n')).toBe(
      'com.example.VeryLongName',
    );
    expect(() => mainClassOf('Main-Class: ../../etc/passwd\n')).toThrow(/not a Java class name/);
    expect(() => mainClassOf('Manifest-Version: 1.0\n\nName: x\nMain-Class: a.B\n')).toThrow(/no Main-Class/);
  });
});
