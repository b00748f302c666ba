// Proves the Docker half of the harness: a real dockerd and an offline busybox image.
import { describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, withDocker } from '../harness/docker.js';

describe('harness: real dockerd', () => {
  it('runs a busybox container, execs into it and removes it', async () => {
    await withDocker(async (dk) => {
      const run = await dk.docker(['run', '-d', '--init', '--network', 'none', '--name', 'harness-bb', BUSYBOX_IMAGE, 'sleep', '1000']);
      expect(run.exitCode, String(run.stderr)).toBe(0);
      const exec = await dk.docker(['exec', 'harness-bb', 'sh', '-c', 'echo inside:$(hostname)']);
      expect(exec.exitCode, String(exec.stderr)).toBe(0);
      expect(String(exec.stdout)).toMatch(/^inside:/);
      expect((await dk.docker(['rm', '-f', 'harness-bb'])).exitCode).toBe(0);
      const left = await dk.docker(['ps', '-aq', '--filter', 'name=harness-bb']);
      expect(String(left.stdout).trim()).toBe('');
    });
  });
});
