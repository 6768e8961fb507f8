import { describe, expect, it } from 'vitest';
import { CommandSyntaxError, splitCommand } from './argv.js';
import { parseTimeout } from './duration.js';

describe('splitCommand', () => {
  it('splits a Flagger hey command on whitespace', () => {
    expect(splitCommand('hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/')).toEqual([
      'hey',
      '-z',
      '1m',
      '-q',
      '10',
      '-c',
      '2',
      'http://podinfo-canary.test:9898/',
    ]);
  });

  it('respects single quotes, double quotes and backslashes like sh', () => {
    expect(splitCommand(`curl -H 'Host: app.example.com' -d "{\\"a\\": 1}" x\\ y ''`)).toEqual([
      'curl',
      '-H',
      'Host: app.example.com',
      '-d',
      '{"a": 1}',
      'x y',
      '',
    ]);
    expect(splitCommand(`a'b'"c"d`)).toEqual(['abcd']);
    expect(splitCommand(`"a\\nb"`)).toEqual(['a\\nb']);
  });

  it('keeps URL characters that sh leaves alone when unquoted', () => {
    expect(splitCommand('hey http://svc/api?x=1#top')).toEqual(['hey', 'http://svc/api?x=1#top']);
  });

  it.each([
    ['curl http://x | grep ok', '"|"'],
    ['hey http://x && echo done', '"&"'],
    ['curl http://x > out.txt', '">"'],
    ['curl $URL', '"$"'],
    ['curl "$(cat url)"', 'expansion'],
    ['echo `id`', '"`"'],
    ['hey x; rm -rf /', '";"'],
    ['hey x # comment', 'comment'],
  ])('refuses shell syntax in %s and points to type bash', (cmd, what) => {
    expect(() => splitCommand(cmd)).toThrow(CommandSyntaxError);
    expect(() => splitCommand(cmd)).toThrow(what);
    expect(() => splitCommand(cmd)).toThrow('--allow-bash');
  });

  it('reports unterminated quotes and empty commands', () => {
    expect(() => splitCommand(`curl 'http://x`)).toThrow('unterminated single quote');
    expect(() => splitCommand(`curl "http://x`)).toThrow('unterminated double quote');
    expect(() => splitCommand('   ')).toThrow('empty');
  });
});

describe('parseTimeout', () => {
  it('reads Go durations and bare seconds', () => {
    expect(parseTimeout('30s')).toBe(30_000);
    expect(parseTimeout('1m30s')).toBe(90_000);
    expect(parseTimeout('500ms')).toBe(500);
    expect(parseTimeout('1h')).toBe(3_600_000);
    expect(parseTimeout('2')).toBe(2000);
    expect(parseTimeout('soon')).toBeUndefined();
    expect(parseTimeout('10x')).toBeUndefined();
  });
});
