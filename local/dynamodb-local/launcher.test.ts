import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findJava, freePort } from './launcher';

describe('findJava', () => {
  it('explains how to install Java when there is none', () => {
    expect(() => findJava({ PATH: '' })).toThrow(/apt-get install -y openjdk-17-jre-headless/);
    expect(() => findJava({ PATH: '' })).toThrow(/JAVA_HOME/);
  });

  it('prefers JAVA_HOME/bin/java over PATH', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'abca-java-'));
    mkdirSync(path.join(home, 'bin'));
    const java = path.join(home, 'bin', 'java');
    writeFileSync(java, '#!/bin/sh\n');
    chmodSync(java, 0o755);
    expect(findJava({ JAVA_HOME: home, PATH: '/usr/bin:/bin' })).toBe(java);
  });

  it('falls back to PATH when JAVA_HOME has no java', () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'abca-path-'));
    const java = path.join(bin, 'java');
    writeFileSync(java, '#!/bin/sh\n');
    chmodSync(java, 0o755);
    expect(findJava({ JAVA_HOME: '/nonexistent', PATH: `/nonexistent-bin${path.delimiter}${bin}` })).toBe(java);
  });
});

test('freePort returns a usable port number', async () => {
  const port = await freePort();
  expect(port).toBeGreaterThan(0);
  expect(port).toBeLessThan(65536);
});
