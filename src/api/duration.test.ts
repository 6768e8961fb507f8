import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads Go durations as Flagger does: fractions, compound units, micro- and nanoseconds', () => {
    const read = Object.fromEntries(
      ['500us', '500µs', '1h30m', '1.5s', '1m30s', '300ms', '.5m', '2000000ns', '0'].map((t) => [
        t,
        parseDuration(t),
      ]),
    );
    expect(read).toEqual({
      '500us': 0.5,
      '500µs': 0.5,
      '1h30m': 5_400_000,
      '1.5s': 1500,
      '1m30s': 90_000,
      '300ms': 300,
      '.5m': 30_000,
      '2000000ns': 2,
      '0': 0,
    });
  });

  it('refuses what Go refuses, and negative durations', () => {
    for (const text of ['', '30', '5x', '1d', 's', '.s', '1s ', ' 1s', '1 s', '-5s', '1e3s']) {
      expect(parseDuration(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  // Go's own parser is the oracle (Go is installed by scripts/test.sh to build the Kubernetes components).
  it('agrees with Go time.ParseDuration on every sample', () => {
    const samples = [
      '0',
      '+0',
      '1ns',
      '1.5us',
      '500us',
      '500µs',
      '500μs',
      '1ms',
      '1.5s',
      '1.s',
      '.5s',
      '90s',
      '1m',
      '1h30m',
      '2h45m30.5s',
      '10m0s',
      '1h1m1s1ms1us1ns',
      '0.25h',
      '+3m',
      '3',
      '',
      'abc',
      '1d',
      '-5s',
      '1.2.3s',
      '1s2',
      's1',
      '5 s',
      '1S',
      '1H',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'aviary-go-duration-'));
    try {
      writeFileSync(
        join(dir, 'main.go'),
        [
          'package main',
          'import ("bufio"; "fmt"; "os"; "time")',
          'func main() {',
          '  in := bufio.NewScanner(os.Stdin)',
          '  for in.Scan() {',
          '    d, err := time.ParseDuration(in.Text())',
          '    if err != nil { fmt.Println("error") } else { fmt.Println(d.Nanoseconds()) }',
          '  }',
          '}',
        ].join('\n'),
      );
      const go = spawnSync('go', ['run', 'main.go'], {
        cwd: dir,
        input: samples.join('\n') + '\n',
        encoding: 'utf8',
        timeout: 170_000,
        env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '' },
      });
      expect(go.error, 'the go toolchain must be on PATH').toBeUndefined();
      expect(go.status, go.stderr).toBe(0);
      const answers = go.stdout.trim().split('\n');
      expect(answers).toHaveLength(samples.length);
      samples.forEach((text, i) => {
        const ours = parseDuration(text);
        const theirs = answers[i] === 'error' ? undefined : Number(answers[i]) / 1e6;
        if (theirs !== undefined && theirs < 0) return;
        expect(ours === undefined ? undefined : Math.round(ours * 1e6), JSON.stringify(text)).toBe(
          theirs === undefined ? undefined : Math.round(theirs * 1e6),
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
